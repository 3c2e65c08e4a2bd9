using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Client;

/// <summary>
/// Filling what a new socket missed with draft/chathistory, conversation by conversation (see <see cref="ClientScript"/>;
/// <c>&lt;~</c> is a line the server sends that the log already has).
/// </summary>
public sealed class ChatHistoryFillTests
{
    private const string Caps = "batch message-tags server-time draft/chathistory";

    private static readonly string[] Registers = ["!! CONNECTED irc.test:6667", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me"];

    /// <summary>Registration on a server that offers chathistory (after a lost socket the CONNECTED step is played by <c>-- lost</c>).</summary>
    private static readonly string[] WithHistory =
    [
        $"<< :srv CAP * LS :{Caps}",
        ">> CAP REQ :message-tags server-time batch draft/chathistory",
        $"<< :srv CAP me ACK :message-tags server-time batch draft/chathistory",
        ">> CAP END",
        "<< :srv 001 me :Welcome", "!! REGISTERED me",
    ];

    /// <summary>The socket is lost and a new one opened: registration begins again.</summary>
    private static readonly string[] Lost = ["-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me"];

    private static readonly string[] WithoutHistory =
    [
        "<< :srv CAP * LS :batch message-tags server-time",
        ">> CAP REQ :message-tags server-time batch",
        "<< :srv CAP me ACK :message-tags server-time batch",
        ">> CAP END",
        "<< :srv 001 me :Welcome",
    ];

    /// <summary>The socket is lost and the new one registers again on a server that offers chathistory.</summary>
    private static readonly string[] LostAndBack = [.. Lost, .. WithHistory];

    private static readonly Dictionary<string, string[]> Conversations = new()
    {
        ["a reconnect fills each rejoined channel after its newest message, and live lines follow the answer without doubles"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a,#b",
            "<< :me!u@h JOIN #a", "<< :me!u@h JOIN #b",
            "<< @msgid=a1;time=2026-12-04T10:00:01.000Z :x!u@h PRIVMSG #a :one",
            "<< @msgid=a2;time=2026-12-04T10:00:02.000Z :x!u@h PRIVMSG #a :two",
            "<< @msgid=b1;time=2026-12-04T10:00:03.000Z :x!u@h NOTICE #b :uno",
            .. LostAndBack,
            ">> JOIN #a,#b",
            "<< :srv 005 me CHATHISTORY=100 :are supported",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a2 100",
            "<~ @msgid=a4 :x!u@h PRIVMSG #a :four, live after the rejoin",
            "<~ @msgid=a5 :x!u@h PRIVMSG #a :five, live after the rejoin",
            "<< :srv BATCH +h1 chathistory #a",
            "<< @batch=h1;msgid=a3 :x!u@h PRIVMSG #a :three, missed",
            "<< @batch=h1;msgid=a4 :x!u@h PRIVMSG #a :four, live after the rejoin",
            "<< :srv BATCH -h1",
            "== @msgid=a5 :x!u@h PRIVMSG #a :five, live after the rejoin",
            "<< @msgid=a6 :x!u@h PRIVMSG #a :six",
            "<< :me!u@h JOIN #b",
            ">> CHATHISTORY AFTER #b msgid=b1 100",
            "<~ @msgid=b2 :x!u@h PRIVMSG #b :dos",
            "<< FAIL CHATHISTORY MESSAGE_ERROR AFTER #b :Messages could not be retrieved",
            "== @msgid=b2 :x!u@h PRIVMSG #b :dos",
        ],
        ["a live line before the reply to the own JOIN is held and does not move where the history starts"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            .. LostAndBack,
            ">> JOIN #a",
            "<~ @msgid=a3 :x!u@h PRIVMSG #a :three, relayed before the JOIN reply",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a1 1000",
            "<< :srv BATCH +h1 chathistory #a",
            "<< @batch=h1;msgid=a2 :x!u@h PRIVMSG #a :two, missed",
            "<< @batch=h1;msgid=a3 :x!u@h PRIVMSG #a :three, relayed before the JOIN reply",
            "<< :srv BATCH -h1",
        ],
        ["a history answer that never comes holds the live lines no longer than the limit"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            .. LostAndBack,
            ">> JOIN #a",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a1 1000",
            "<~ @msgid=a3 :x!u@h PRIVMSG #a :three",
            "@@ 5",
            "<~ @msgid=a4 :x!u@h PRIVMSG #a :four",
            "@@ 5",
            "<< PING :srv",
            "== @msgid=a3 :x!u@h PRIVMSG #a :three",
            "== @msgid=a4 :x!u@h PRIVMSG #a :four",
            ">> PONG srv",
            "<< @msgid=a5 :x!u@h PRIVMSG #a :five",
            "<< :srv BATCH +late chathistory #a",
            "<< @batch=late;msgid=a2 :x!u@h PRIVMSG #a :two, late",
            "<~ @batch=late;msgid=a3 :x!u@h PRIVMSG #a :three",
            "<< :srv BATCH -late",
        ],
        ["a socket lost while lines are held records them before it says so"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            .. LostAndBack,
            ">> JOIN #a",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a1 1000",
            "<~ @msgid=a2 :x!u@h PRIVMSG #a :two",
            "-- lost",
            "== @msgid=a2 :x!u@h PRIVMSG #a :two",
            ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        ],
        ["with event-playback the answer's joins, parts and nick changes are recorded as history and change nothing"] =
        [
            .. Registers,
            $"<< :srv CAP * LS :{Caps} draft/event-playback",
            ">> CAP REQ :message-tags server-time batch draft/chathistory draft/event-playback",
            "<< :srv CAP me ACK :message-tags server-time batch draft/chathistory draft/event-playback",
            ">> CAP END",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            .. Lost,
            $"<< :srv CAP * LS :{Caps} draft/event-playback",
            ">> CAP REQ :message-tags server-time batch draft/chathistory draft/event-playback",
            "<< :srv CAP me ACK :message-tags server-time batch draft/chathistory draft/event-playback",
            ">> CAP END",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            ">> JOIN #a",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a1 1000",
            "<< :srv BATCH +h1 chathistory #a",
            "<< @batch=h1;msgid=e1 :me!u@h PART #a :old part",
            "<< @batch=h1;msgid=e2 :me!u@h NICK :oldnick",
            "<< @batch=h1;msgid=e3 :y!u@h JOIN #a",
            "<< @batch=h1;msgid=a2 :y!u@h PRIVMSG #a :two",
            "<< :srv BATCH -h1",
        ],
        ["a channel left is not filled, and one with no message recorded is not asked for"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a,#b,#quiet",
            "<< :me!u@h JOIN #a", "<< :me!u@h JOIN #b", "<< :me!u@h JOIN #quiet",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            "<< @msgid=b1 :x!u@h PRIVMSG #b :uno",
            "<< :me!u@h PART #b",
            .. LostAndBack,
            ">> JOIN #a,#quiet",
            "<< :me!u@h JOIN #quiet",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a1 1000",
        ],
        ["a server that takes only timestamps is asked by the newest message's time"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1;time=2026-12-04T09:59:58.250Z :x!u@h PRIVMSG #a :one",
            .. LostAndBack,
            ">> JOIN #a",
            "<< :srv 005 me CHATHISTORY=0 MSGREFTYPES=timestamp :are supported",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a timestamp=2026-12-04T09:59:58.250Z 1000",
        ],
        ["a server without chathistory gets no request after a reconnect"] =
        [
            .. Registers, .. WithoutHistory, "!! REGISTERED me",
            "user: JOIN #a",
            "<< :me!u@h JOIN #a",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            .. Lost, .. WithoutHistory, "!! REGISTERED me",
            ">> JOIN #a",
            "<< :me!u@h JOIN #a",
        ],
    };

    public static TheoryData<string> ConversationNames => [.. Conversations.Keys];

    [Theory]
    [MemberData(nameof(ConversationNames))]
    public void Conversation(string name) =>
        new ClientScript(ClientScript.Options("me")).Play(Conversations[name]).End();

    [Fact]
    public void AFillLeavesTheNewestMessageAsTheStartOfTheNextOne()
    {
        var script = new ClientScript(ClientScript.Options("me")).Play(Conversations.First().Value);

        script.State.Fills.Should().BeEmpty("the #a answer ended and the #b request failed");
        script.State.LastMessages.Select(m => (m.Target, m.MsgId)).Should().BeEquivalentTo([("#a", "a6"), ("#b", "b2")]);
    }

    [Fact]
    public void HistoryReplayedWithEventPlaybackLeavesTheNickAndTheChannelsAsTheyAre()
    {
        var script = new ClientScript(ClientScript.Options("me")).Play(Conversations.Single(c => c.Key.StartsWith("with event-playback", StringComparison.Ordinal)).Value);

        script.State.Nick.Should().Be("me");
        script.State.Joined.Should().Equal("#a");
        script.State.LastMessages.Single().MsgId.Should().Be("a2");
    }

    [Fact]
    public void AChannelHoldsNoMoreThanTheMostLiveLinesBeforeRecordingThem()
    {
        var script = new ClientScript(ClientScript.Options("me")).Play(
            [.. Registers, .. WithHistory, "user: JOIN #a", "<< :me!u@h JOIN #a", "<< @msgid=a0 :x!u@h PRIVMSG #a :zero",
             .. LostAndBack, ">> JOIN #a",
             "<< :me!u@h JOIN #a", ">> CHATHISTORY AFTER #a msgid=a0 1000"]);
        var live = Enumerable.Range(1, IrcClient.MaxHeldLines).Select(i => $"@msgid=l{i} :x!u@h PRIVMSG #a :{i}").ToArray();

        script.Play([.. live[..^1].Select(line => "<~ " + line)]);
        script.Play("<< " + live[^1]).Play([.. live[..^1].Select(line => "== " + line)]);
        script.Play("<< @msgid=after :x!u@h PRIVMSG #a :recorded at once").End();
    }

    [Fact]
    public void ATakeoverFillsEachChannelAfterTheNewestMessageOfTheLogItCarriesOn()
    {
        var log = new List<StoredEvent>();
        Append(log, new StatusEvent(IrcStatus.Registered, "me", ClientScript.Now));
        Append(log, new MessageEvent(IrcMessage.Parse("@msgid=a1 :x!u@h PRIVMSG #a :one"), ClientScript.Now));
        Append(log, new MessageEvent(IrcMessage.Parse("@msgid=q1 :x!u@h PRIVMSG me :a private one"), ClientScript.Now));
        Append(log, new MessageEvent(IrcMessage.Parse("@msgid=b1 :x!u@h PRIVMSG #B :uno"), ClientScript.Now));
        Append(log, new MessageEvent(IrcMessage.Parse(":x!u@h PRIVMSG #a :no msgid"), ClientScript.Now));
        Append(log, new MessageEvent(IrcMessage.Parse("@msgid=a2;time=2026-12-04T10:00:05.000Z :x!u@h PRIVMSG #a :two"), ClientScript.Now.AddSeconds(5)));
        var recorded = IrcClient.LastMessagesIn(log);
        recorded.Select(m => (m.Target, m.MsgId)).Should().BeEquivalentTo([("#a", "a2"), ("#B", "b1")]);
        recorded.Single(m => m.MsgId == "a2").Time.Should().Be(new DateTimeOffset(2026, 12, 4, 10, 0, 5, TimeSpan.Zero));

        var stored = new IrcClientState { Joined = ["#a", "#b"], Nick = "me" };
        new ClientScript(ClientScript.Options("me"), stored, takingOver: recorded)
            .Play([.. Registers, .. WithHistory, ">> JOIN #a,#b", "<< :me!u@h JOIN #b", ">> CHATHISTORY AFTER #b msgid=b1 1000", "<< :me!u@h JOIN #a", ">> CHATHISTORY AFTER #a msgid=a2 1000"])
            .End();
    }

    [Fact]
    public void ATakeoverOntoAServerWithoutChatHistorySaysThatLinesMayBeMissingOnce()
    {
        var stored = new IrcClientState { Joined = ["#a"], Nick = "me" };
        var script = new ClientScript(ClientScript.Options("me"), stored, takingOver: [new TargetMessage("#a", "a1", ClientScript.Now)]);

        script.Play([.. Registers, .. WithoutHistory, "!! REGISTERED me", ">> JOIN #a", $"!! ERROR {IrcClient.TakeoverWithoutHistory}"])
            .Play(Lost)
            .Play([.. WithoutHistory, "!! REGISTERED me", ">> JOIN #a"])
            .End();
    }

    [Fact]
    public void TheNewestMessagesAndFillsSurviveJson()
    {
        var script = new ClientScript(ClientScript.Options("me")).Play([.. Registers, .. WithHistory, "user: JOIN #a", "<< :me!u@h JOIN #a", "<< @msgid=a1 :x!u@h PRIVMSG #a :one"]);

        var restored = System.Text.Json.JsonSerializer.Deserialize<IrcClientState>(System.Text.Json.JsonSerializer.Serialize(script.State))!;

        restored.LastMessages.Should().Equal(script.State.LastMessages);
        restored.HistoryByMsgid.Should().BeTrue();
    }

    private static void Append(List<StoredEvent> log, GatewayEvent gatewayEvent)
    {
        gatewayEvent.Seq = log.Count + 1;
        log.Add(StoredEvent.From(gatewayEvent));
    }
}

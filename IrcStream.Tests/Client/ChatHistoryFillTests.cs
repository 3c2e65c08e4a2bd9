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

    private static readonly string[] WithoutHistory =
    [
        "<< :srv CAP * LS :batch message-tags server-time",
        ">> CAP REQ :message-tags server-time batch",
        "<< :srv CAP me ACK :message-tags server-time batch",
        ">> CAP END",
        "<< :srv 001 me :Welcome",
    ];

    private static readonly Dictionary<string, string[]> Conversations = new()
    {
        ["a reconnect fills each rejoined channel after its newest message, leaving out what the live channel brought"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a,#b",
            "<< :me!u@h JOIN #a", "<< :me!u@h JOIN #b",
            "<< @msgid=a1;time=2026-12-04T10:00:01.000Z :x!u@h PRIVMSG #a :one",
            "<< @msgid=a2;time=2026-12-04T10:00:02.000Z :x!u@h PRIVMSG #a :two",
            "<< @msgid=b1;time=2026-12-04T10:00:03.000Z :x!u@h NOTICE #b :uno",
            "-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me", .. WithHistory,
            ">> JOIN #a,#b",
            "<< :srv 005 me CHATHISTORY=100 :are supported",
            "<< :me!u@h JOIN #a",
            ">> CHATHISTORY AFTER #a msgid=a2 100",
            "<< @msgid=a4 :x!u@h PRIVMSG #a :four, live after the rejoin",
            "<< :srv BATCH +h1 chathistory #a",
            "<< @batch=h1;msgid=a3 :x!u@h PRIVMSG #a :three, missed",
            "<~ @batch=h1;msgid=a4 :x!u@h PRIVMSG #a :four, live after the rejoin",
            "<< :srv BATCH -h1",
            "<< @msgid=a5 :x!u@h PRIVMSG #a :five",
            "<< :me!u@h JOIN #b",
            ">> CHATHISTORY AFTER #b msgid=b1 100",
            "<< FAIL CHATHISTORY MESSAGE_ERROR AFTER #b :Messages could not be retrieved",
        ],
        ["a channel left is not filled, and one with no message recorded is not asked for"] =
        [
            .. Registers, .. WithHistory,
            "user: JOIN #a,#b,#quiet",
            "<< :me!u@h JOIN #a", "<< :me!u@h JOIN #b", "<< :me!u@h JOIN #quiet",
            "<< @msgid=a1 :x!u@h PRIVMSG #a :one",
            "<< @msgid=b1 :x!u@h PRIVMSG #b :uno",
            "<< :me!u@h PART #b",
            "-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me", .. WithHistory,
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
            "-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me", .. WithHistory,
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
            "-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me", .. WithoutHistory, "!! REGISTERED me",
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
        script.State.LastMessages.Select(m => (m.Target, m.MsgId)).Should().BeEquivalentTo([("#a", "a5"), ("#b", "b1")]);
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
            .Play("-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me")
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

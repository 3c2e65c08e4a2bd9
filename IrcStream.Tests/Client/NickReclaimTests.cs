using IrcStream.Domain.Client;

namespace IrcStream.Tests.Client;

/// <summary>
/// Taking the nick back after a takeover registered <c>nick_</c> because the server still held the old socket,
/// conversation by conversation (see <see cref="ClientScript"/>; <c>@@ 60</c> lets 60 seconds pass).
/// </summary>
public sealed class NickReclaimTests
{
    /// <summary>A takeover's registration on a server without CAP that still holds "me": the gateway gets "me_".</summary>
    private static readonly string[] RegistersAsFallback =
    [
        "!! CONNECTED irc.test:6667", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        "<< :srv 433 * me :Nickname is already in use",
        ">> NICK me_",
        "<< :srv 001 me_ :Welcome", "!! REGISTERED me_", "!! ERROR This connection moved",
    ];

    private static readonly string[] Monitors = ["<< :srv 005 me_ MONITOR=100 NICKLEN=30 :are supported by this server", ">> MONITOR + me"];

    private static readonly Dictionary<string, string[]> Conversations = new()
    {
        ["the nick is asked for as soon as its holder quits, and once it is back nothing more is asked"] =
        [
            .. RegistersAsFallback,
            "<< :me!old@h QUIT :Ping timeout: 120 seconds",
            ">> NICK me",
            "<< :me_!u@h NICK me",
            "@@ 120", "<< PING :a", ">> PONG a",
        ],
        ["the nick is asked for as soon as its holder changes nick"] =
        [
            .. RegistersAsFallback,
            "<< :me!old@h NICK someone",
            ">> NICK me",
        ],
        ["where the server has MONITOR, it is asked to watch the nick, and its offline notice brings the nick back"] =
        [
            .. RegistersAsFallback, .. Monitors,
            "<< :srv 730 me_ :me!old@h",
            "@@ 300", "<< PING :a", ">> PONG a",
            "<< :srv 731 me_ :other,me",
            ">> NICK me",
            "<< :me_!u@h NICK me",
            ">> MONITOR - me",
        ],
        ["without MONITOR the nick is asked for again every minute, with the next line received, and not after ten minutes"] =
        [
            .. RegistersAsFallback,
            "@@ 59", "<< PING :a", ">> PONG a",
            "@@ 1", "<< PING :b", ">> PONG b", ">> NICK me",
            "<< :srv 433 me_ me :Nickname is already in use",
            "@@ 30", "<< PING :c", ">> PONG c",
            "@@ 30", "<< :x!u@h PRIVMSG #a :hello", ">> NICK me",
            "@@ 600", "<< PING :d", ">> PONG d",
            "@@ 60", "<< PING :e", ">> PONG e",
        ],
        ["a NICK of the user's own stops taking the old one back"] =
        [
            .. RegistersAsFallback,
            "user: NICK bob",
            "<< :me_!u@h NICK bob",
            "@@ 60", "<< PING :a", ">> PONG a",
            "<< :me!old@h QUIT :Ping timeout",
        ],
        ["a NICK of the user's own ends the MONITOR of the old one"] =
        [
            .. RegistersAsFallback, .. Monitors,
            "user: NICK bob",
            ">> MONITOR - me",
            "<< :srv 731 me_ :me",
        ],
        ["a nick the server calls erroneous is not asked for again"] =
        [
            .. RegistersAsFallback,
            "@@ 60", "<< PING :a", ">> PONG a", ">> NICK me",
            "<< :srv 432 me_ me :Erroneous nickname",
            "@@ 60", "<< PING :b", ">> PONG b",
        ],
        ["a reclaim still open when the socket is lost goes on with the next socket's welcome"] =
        [
            .. RegistersAsFallback,
            "-- lost", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
            "<< :srv 433 * me :Nickname is already in use",
            ">> NICK me_",
            "<< :srv 001 me_ :Welcome", "!! REGISTERED me_",
            "<< :me!old@h QUIT :Ping timeout",
            ">> NICK me",
        ],
    };

    public static TheoryData<string> ConversationNames => [.. Conversations.Keys];

    [Theory]
    [MemberData(nameof(ConversationNames))]
    public void AfterATakeover(string name) =>
        new ClientScript(ClientScript.Options("me"), takingOver: []).Play(Conversations[name]).End();

    [Fact]
    public void AConnectionThatWasNotTakenOverKeepsTheNickItRegisteredWith()
    {
        // The user asked for a nick in use when creating the connection: "me_" is what they got, as any client does.
        new ClientScript(ClientScript.Options("me"))
            .Play(
                "!! CONNECTED irc.test:6667", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
                "<< :srv 433 * me :Nickname is already in use",
                ">> NICK me_",
                "<< :srv 001 me_ :Welcome", "!! REGISTERED me_",
                "<< :srv 005 me_ MONITOR=100 :are supported by this server",
                "@@ 60", "<< PING :a", ">> PONG a",
                "<< :me!old@h QUIT :Ping timeout")
            .End();
    }

    [Fact]
    public void TheReclaimIsPartOfTheStateUntilItEnds()
    {
        var script = new ClientScript(ClientScript.Options("me"), takingOver: []).Play(RegistersAsFallback);

        script.State.Reclaim.Should().BeEquivalentTo(new NickReclaim("me")
        {
            NextTry = ClientScript.Now + IrcClient.ReclaimRetryInterval,
            Until = ClientScript.Now + IrcClient.ReclaimPatience,
        });
        script.Play("<< :me!old@h QUIT :Ping timeout", ">> NICK me", "<< :me_!u@h NICK me");
        script.State.Reclaim.Should().BeNull();
        script.State.Nick.Should().Be("me");
    }
}

using IrcStream.Domain.Client;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>
/// draft/chathistory against the scripted fake server (InspIRCd 3 and ngircd have none): after a reconnect the
/// connection asks for what it missed and its log holds each message once.
/// </summary>
public sealed class IrcConnectionChatHistoryTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;
    private const string Caps = "batch message-tags server-time echo-message draft/chathistory";

    [Fact]
    public async Task AfterAReconnectTheMissedMessagesAreFetchedAndEachMessageIsInTheLogOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "filler", configure: o => o with { Channels = ["#a"] });
        var first = await server.AcceptAsync(Timeout, ct);
        await RegisterAsync(first, ct);
        await first.SendLinesAsync(ct,
            ":filler!u@h JOIN #a",
            "@msgid=m1;time=2026-12-04T10:00:01.000Z :x!u@h PRIVMSG #a :one",
            "@msgid=m2;time=2026-12-04T10:00:02.000Z :x!u@h PRIVMSG #a :two");
        await connection.Events.WaitForMessageAsync(m => m.Params[^1] == "two", "message two", Timeout, ct);

        await first.DisposeAsync();

        var second = await server.AcceptAsync(Timeout, ct);
        await RegisterAsync(second, ct);
        await second.SendLinesAsync(ct, ":fake.server 005 filler CHATHISTORY=50 :are supported", ":filler!u@h JOIN #a");
        var request = await second.WaitForAsync("CHATHISTORY", Timeout, ct);
        request.Params.Should().Equal("AFTER", "#a", "msgid=m2", "50");
        await second.SendLinesAsync(ct,
            "@msgid=m5;time=2026-12-04T10:00:05.000Z :x!u@h PRIVMSG #a :five, live",
            "@time=2026-12-04T10:00:06.000Z :fake.server BATCH +h chathistory #a",
            "@batch=h;msgid=m3;time=2026-12-04T10:00:03.000Z :x!u@h PRIVMSG #a :three, missed",
            "@batch=h;msgid=m4;time=2026-12-04T10:00:04.000Z :x!u@h PRIVMSG #a :four, missed",
            "@batch=h;msgid=m5;time=2026-12-04T10:00:05.000Z :x!u@h PRIVMSG #a :five, live",
            "@time=2026-12-04T10:00:06.000Z :fake.server BATCH -h",
            "@msgid=m6;time=2026-12-04T10:00:07.000Z :x!u@h PRIVMSG #a :six");
        await connection.Events.WaitForMessageAsync(m => m.Params[^1] == "six", "message six", Timeout, ct);

        var messages = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>()
            .Where(m => m.Message.Command == "PRIVMSG").Select(m => m.Message.Tags["msgid"]).ToArray();
        messages.Should().Equal(["m1", "m2", "m3", "m4", "m5", "m6"], "the live line is held until the answer is recorded, and recorded once");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AConnectionThatCarriesOnAnotherNodesLogFillsAfterItsNewestMessageOrSaysLinesMayBeMissing(bool serverHasHistory)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        var log = new EventLog(100);
        log.Append(new StatusEvent(IrcStatus.Registered, "filler", DateTimeOffset.UtcNow));
        log.Append(new MessageEvent(Domain.Protocol.IrcMessage.Parse("@msgid=m7 :x!u@h PRIVMSG #a :seven"), DateTimeOffset.UtcNow));
        await using var connection = TestConnections.Create(server.Host, server.Port, "filler", configure: o => o with { Channels = ["#a"] });
        connection.CarryOn(log.ReadAfter(0));
        connection.Start();
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.NegotiateCapsAsync(serverHasHistory ? Caps : "batch message-tags server-time", Timeout, ct);
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.WelcomeAsync(Timeout, ct);
        await peer.WaitForAsync("JOIN", Timeout, ct, "#a");
        await peer.SendLinesAsync(ct, ":filler!u@h JOIN #a");

        if (serverHasHistory)
        {
            (await peer.WaitForAsync("CHATHISTORY", Timeout, ct)).Params.Should().Equal("AFTER", "#a", "msgid=m7", IrcClient.MaxFillMessages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            var said = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
            said.Detail.Should().Be(IrcClient.TakeoverWithoutHistory);
            await peer.SyncAsync(Timeout, ct);
            peer.ReceivedLines.Should().NotContain(l => l.StartsWith("CHATHISTORY", StringComparison.Ordinal));
        }
    }

    private static async Task RegisterAsync(FakeIrcPeer peer, CancellationToken ct)
    {
        await peer.NegotiateCapsAsync(Caps, Timeout, ct);
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.WelcomeAsync(Timeout, ct);
        await peer.WaitForAsync("JOIN", Timeout, ct, "#a");
    }
}

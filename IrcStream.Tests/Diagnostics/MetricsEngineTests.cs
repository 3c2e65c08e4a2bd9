using System.Net;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Diagnostics;

/// <summary>The real engine against a scripted IRC server: what it counts is recorded on its host's meter.</summary>
public sealed class MetricsEngineTests
{
    private static readonly TimeSpan Patience = TestConnections.Timeout;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReceivedMessagesSentLinesAndReconnectsAreCounted()
    {
        await using var server = FakeIrcServer.Start();
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:ReconnectDelay"] = "00:00:00.200",
            ["IrcStream:Flood:Burst"] = "100",
        }, realEngine: true);
        using var metrics = new HostMetrics(host.Services);
        var browser = host.NewBrowser();

        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", "metrics");
        var peer = await server.AcceptAsync(Patience, Token);
        await peer.WelcomeAsync(Patience, Token);
        await using var stream = await browser.OpenEventsAsync(id);
        await peer.SendLinesAsync(Token, ":bob!b@h PRIVMSG #c :first-m1", ":bob!b@h PRIVMSG #c :second-m2");
        await stream.ReadUntilAsync("second-m2", Patience);

        (await browser.PostLinesAsync(id, "PRIVMSG #c :hi", "PRIVMSG #c :there")).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await peer.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "there", Patience, Token);
        await metrics.UntilAsync("the two user lines written", m => m.Sum("ircstream.lines.sent", ("origin", "user")) == 2);
        // The welcome and the two messages at least; a CAP line or PING the engine answers may add more.
        metrics.Sum("ircstream.events.received").Should().BeGreaterThanOrEqualTo(3);
        // NICK and USER (and CAP) from the gateway's registration.
        metrics.Sum("ircstream.lines.sent", ("origin", "gateway")).Should().BeGreaterThanOrEqualTo(2);
        metrics.Gauge("ircstream.connections", ("state", "connected")).Should().Be(1);

        // The server drops the connection: the engine schedules a reconnect and comes back.
        await peer.DisposeAsync();
        var again = await server.AcceptAsync(Patience, Token);
        metrics.Sum("ircstream.reconnects").Should().Be(1);
        await again.DisposeAsync();
    }
}

using System.Net;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Diagnostics;

/// <summary>/metrics with the real engine against a scripted IRC server: what the engine counts shows up there.</summary>
[Collection(MetricsCollection.Name)]
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
        var scraper = host.NewBrowser();
        var browser = host.NewBrowser();
        var before = await MetricsScrape.ReadAsync(scraper.Http);

        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", "metrics");
        var peer = await server.AcceptAsync(Patience, Token);
        await peer.WelcomeAsync(Patience, Token);
        await using var stream = await browser.OpenEventsAsync(id);
        await peer.SendLinesAsync(Token, ":bob!b@h PRIVMSG #c :first-m1", ":bob!b@h PRIVMSG #c :second-m2");
        await stream.ReadUntilAsync("second-m2", Patience);

        (await browser.PostLinesAsync(id, "PRIVMSG #c :hi", "PRIVMSG #c :there")).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await peer.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "there", Patience, Token);
        var talking = await MetricsScrape.ReadUntilAsync(scraper.Http, "the two user lines written",
            s => s.Since(before, "ircstream_lines_sent_total", ("origin", "user")) >= 2);
        // The welcome and the two messages at least; a CAP line or PING the engine answers may add more.
        talking.Since(before, "ircstream_events_received_total").Should().BeGreaterThanOrEqualTo(3);
        // NICK and USER (and CAP) from the gateway's registration.
        talking.Since(before, "ircstream_lines_sent_total", ("origin", "gateway")).Should().BeGreaterThanOrEqualTo(2);
        talking.Since(before, "ircstream_connections", ("state", "connected")).Should().Be(1);

        // The server drops the connection: the engine schedules a reconnect and comes back.
        await peer.DisposeAsync();
        var again = await server.AcceptAsync(Patience, Token);
        var reconnected = await MetricsScrape.ReadAsync(scraper.Http);
        reconnected.Since(before, "ircstream_reconnects_total").Should().BeGreaterThanOrEqualTo(1);
        await again.DisposeAsync();
    }
}

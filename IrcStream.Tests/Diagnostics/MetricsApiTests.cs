using System.Net;
using IrcStream.Domain.Connections;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Diagnostics;

/// <summary>The HTTP side's meters with the fake engine: they follow sessions, streams, polls and refused lines, and /metrics serves them.</summary>
public sealed class MetricsApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsFollowSessionsConnectionsStreamsPollsAndRefusedLines()
    {
        await using var host = GatewayHost.Start(eventBufferSize: 4);
        using var metrics = new HostMetrics(host.Services);

        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        metrics.Gauge("ircstream.sessions").Should().Be(1);
        metrics.Gauge("ircstream.connections", ("state", "connected")).Should().Be(1);

        // The stream replays CONNECTING and CONNECTED, then two messages arrive live.
        await using (var stream = await browser.OpenEventsAsync(id))
        {
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("1");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("2");
            fake.Receive(":bob!b@h PRIVMSG #c :one");
            fake.Receive(":bob!b@h PRIVMSG #c :two");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("3");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("4");
            metrics.Sum("ircstream.sse.streams").Should().Be(1);
            metrics.Sum("ircstream.events.delivered", ("transport", "sse")).Should().Be(4);
        }
        await metrics.UntilAsync("the stream closed", m => m.Sum("ircstream.sse.streams") == 0);

        // A poll with nothing to return waits, and counts as waiting until an event ends it.
        var poll = browser.PollAsync(id, since: 4, timeoutSeconds: 30);
        await metrics.UntilAsync("a waiting poll", m => m.Sum("ircstream.polls.waiting") == 1);
        fake.Receive(":bob!b@h PRIVMSG #c :three");
        (await poll).Should().ContainSingle();
        metrics.Sum("ircstream.polls.waiting").Should().Be(0);
        metrics.Sum("ircstream.events.delivered", ("transport", "poll")).Should().Be(1);

        // Five events exist and four are retained: a poll from the start gets a gap first.
        var fromStart = await browser.PollAsync(id, since: 0, timeoutSeconds: 0);
        fromStart[0].GetProperty("type").GetString().Should().Be("gap");
        metrics.Sum("ircstream.gaps", ("transport", "poll")).Should().Be(1);
        metrics.Sum("ircstream.events.delivered", ("transport", "poll")).Should().Be(1 + fromStart.Length);

        (await browser.PostLinesAsync(id, "PRIVMSG #c :fine", "BAD\rLINE")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        fake.QueueCapacity = 1;
        (await browser.PostLinesAsync(id, "PRIVMSG #c :a", "PRIVMSG #c :b", "PRIVMSG #c :c")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        fake.State = ConnectionState.Reconnecting;
        (await browser.PostLinesAsync(id, "PRIVMSG #c :later")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        metrics.Sum("ircstream.lines.refused", ("reason", "invalid")).Should().Be(2);
        metrics.Sum("ircstream.lines.refused", ("reason", "queue_full")).Should().Be(3);
        metrics.Sum("ircstream.lines.refused", ("reason", "not_open")).Should().Be(1);
        metrics.Gauge("ircstream.connections", ("state", "reconnecting")).Should().Be(1);
        metrics.Gauge("ircstream.connections", ("state", "connected")).Should().Be(0);

        (await browser.Http.DeleteAsync($"/api/connections/{id}", Token)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        metrics.Gauge("ircstream.connections").Should().Be(0);
        metrics.Gauge("ircstream.sessions").Should().Be(1, "the session outlives its last connection until it idles out");
    }

    [Fact]
    public async Task MetricsServesTheIrcStreamMeterInPrometheusNames()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        (await browser.PostLinesAsync(id, "BAD\rLINE")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // Which values other hosts in this process add is not this test's business: only that the names are served.
        var scrape = await MetricsScrape.ReadAsync(browser.Http);
        foreach (var name in new[] { "ircstream_sessions", "ircstream_connections", "ircstream_lines_refused_total" })
            scrape.Has(name).Should().BeTrue($"{name} is served; the scrape:\n{scrape.Text}");
    }

    [Fact]
    public async Task MetricsIncludeAspNetCoreAndRuntimeMeters()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        (await browser.Http.GetAsync("/healthz", Token)).EnsureSuccessStatusCode();
        var scrape = await MetricsScrape.ReadUntilAsync(browser.Http, "the /healthz request",
            s => s.Value("http_server_request_duration_seconds_count", ("http_route", "/healthz")) >= 1);
        scrape.Has("dotnet_assembly_count").Should().BeTrue(scrape.Text);
    }
}

using System.Net;
using System.Net.Http.Json;
using IrcStream.Domain.Connections;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Diagnostics;

/// <summary>/metrics with the fake engine: the HTTP side's meters follow sessions, streams, polls and refused lines.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsFollowSessionsConnectionsStreamsPollsAndRefusedLines()
    {
        await using var host = GatewayHost.Start(eventBufferSize: 4);
        var scraper = host.NewBrowser();
        var before = await MetricsScrape.ReadAsync(scraper.Http);

        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        var connected = await MetricsScrape.ReadAsync(scraper.Http);
        connected.Since(before, "ircstream_sessions").Should().Be(1);
        connected.Since(before, "ircstream_connections", ("state", "connected")).Should().Be(1);

        // The stream replays CONNECTING and CONNECTED, then two messages arrive live.
        await using (var stream = await browser.OpenEventsAsync(id))
        {
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("1");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("2");
            fake.Receive(":bob!b@h PRIVMSG #c :one");
            fake.Receive(":bob!b@h PRIVMSG #c :two");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("3");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("4");
            var streaming = await MetricsScrape.ReadAsync(scraper.Http);
            streaming.Since(before, "ircstream_sse_streams").Should().Be(1);
            streaming.Since(before, "ircstream_events_delivered_total", ("transport", "sse")).Should().Be(4);
        }
        await MetricsScrape.ReadUntilAsync(scraper.Http, "the stream closed", s => s.Since(before, "ircstream_sse_streams") == 0);

        // A poll with nothing to return waits, and counts as waiting until an event ends it.
        var poll = browser.PollAsync(id, since: 4, timeoutSeconds: 30);
        await MetricsScrape.ReadUntilAsync(scraper.Http, "a waiting poll", s => s.Since(before, "ircstream_polls_waiting") == 1);
        fake.Receive(":bob!b@h PRIVMSG #c :three");
        (await poll).Should().ContainSingle();
        var polled = await MetricsScrape.ReadAsync(scraper.Http);
        polled.Since(before, "ircstream_polls_waiting").Should().Be(0);
        polled.Since(before, "ircstream_events_delivered_total", ("transport", "poll")).Should().Be(1);

        // Five events exist and four are retained: a poll from the start gets a gap first.
        var fromStart = await browser.PollAsync(id, since: 0, timeoutSeconds: 0);
        fromStart[0].GetProperty("type").GetString().Should().Be("gap");
        var gapped = await MetricsScrape.ReadAsync(scraper.Http);
        gapped.Since(before, "ircstream_gaps_total", ("transport", "poll")).Should().Be(1);
        gapped.Since(before, "ircstream_events_delivered_total", ("transport", "poll")).Should().Be(1 + fromStart.Length);

        (await browser.PostLinesAsync(id, "PRIVMSG #c :fine", "BAD\rLINE")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        fake.QueueCapacity = 1;
        (await browser.PostLinesAsync(id, "PRIVMSG #c :a", "PRIVMSG #c :b", "PRIVMSG #c :c")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        fake.State = ConnectionState.Reconnecting;
        (await browser.PostLinesAsync(id, "PRIVMSG #c :later")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var refused = await MetricsScrape.ReadAsync(scraper.Http);
        refused.Since(before, "ircstream_lines_refused_total", ("reason", "invalid")).Should().Be(2);
        refused.Since(before, "ircstream_lines_refused_total", ("reason", "queue_full")).Should().Be(3);
        refused.Since(before, "ircstream_lines_refused_total", ("reason", "not_open")).Should().Be(1);
        refused.Since(before, "ircstream_connections", ("state", "reconnecting")).Should().Be(1);
        refused.Since(before, "ircstream_connections", ("state", "connected")).Should().Be(0);

        (await browser.Http.DeleteAsync($"/api/connections/{id}", Token)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var deleted = await MetricsScrape.ReadAsync(scraper.Http);
        deleted.Since(before, "ircstream_connections").Should().Be(0);
        deleted.Since(before, "ircstream_sessions").Should().Be(1, "the session outlives its last connection until it idles out");
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

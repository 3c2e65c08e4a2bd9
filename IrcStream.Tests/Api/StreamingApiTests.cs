using System.Net;
using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Api.Streaming;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Api;

/// <summary>The streaming contract (SSE and poll). In memory here; <c>RedisStreamingApiTests</c> runs the same tests in Redis mode.</summary>
public class StreamingApiTests
{
    /// <summary>
    /// A gateway with the fake engine; <paramref name="eventBufferSize"/> is the retention of each connection's log,
    /// <paramref name="time"/> the gateway's clock when the test moves it by hand.
    /// </summary>
    protected virtual GatewayHost StartHost(IDictionary<string, string?>? settings = null, int eventBufferSize = 1000, TimeProvider? time = null) =>
        GatewayHost.Start(settings, eventBufferSize: eventBufferSize, services: WithClock(time));

    /// <summary>Puts <paramref name="time"/> in place of the system clock, when given.</summary>
    protected static Action<IServiceCollection>? WithClock(TimeProvider? time) =>
        time is null ? null : services => services.AddSingleton(time);

    /// <summary>Returns once <paramref name="count"/> polls of the connection are waiting (each holds a stream slot).</summary>
    private static async Task WaitingPollsBecomeAsync(GatewayHost host, string id, int count)
    {
        var limits = host.Services.GetRequiredService<StreamLimits>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Token);
        patience.CancelAfter(TimeSpan.FromSeconds(10));
        while (limits.CountFor(id, "").Connection != count) await Task.Delay(TimeSpan.FromMilliseconds(10), patience.Token);
    }

    /// <summary>Returns once every event appended to the connection so far is in the log readers read (at once in memory).</summary>
    protected virtual Task StoredAsync(GatewayHost host, string id) => Task.CompletedTask;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonElement Data(System.Net.ServerSentEvents.SseItem<string>? item) => JsonDocument.Parse(item!.Value.Data).RootElement.Clone();

    [Fact]
    public async Task StreamSendsEachEventWithIdTypeAndContractJson()
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        var time = new DateTimeOffset(2026, 11, 25, 17, 0, 0, 123, TimeSpan.Zero);
        fake.Receive("@msgid=abc;+draft/x;y=a\\sb :bob!b@host.example PRIVMSG #ircstream :hello there", time);
        fake.Receive("PING :tok", time);

        await using var stream = await browser.OpenEventsAsync(id);
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        stream.Response.Headers.CacheControl!.NoCache.Should().BeTrue();
        stream.Response.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        stream.Response.Content.Headers.ContentEncoding.Should().OnlyContain(e => e == "identity", "no compression may buffer the stream");

        var connecting = await stream.NextEventAsync();
        connecting!.Value.EventId.Should().Be("1");
        connecting.Value.EventType.Should().Be("status");
        connecting.Value.ReconnectionInterval.Should().NotBeNull("the first item carries the retry hint");
        Data(connecting).GetProperty("status").GetString().Should().Be(IrcStatus.Connecting);
        Data(connecting).GetProperty("detail").GetString().Should().Be("127.0.0.1:6667");
        Data(connecting).GetProperty("time").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");

        (await stream.NextEventAsync())!.Value.EventId.Should().Be("2");

        var message = await stream.NextEventAsync();
        message!.Value.EventId.Should().Be("3");
        message.Value.EventType.Should().Be("message");
        var json = Data(message);
        json.GetProperty("seq").GetInt64().Should().Be(3);
        json.GetProperty("type").GetString().Should().Be("message");
        json.GetProperty("time").GetString().Should().Be("2026-11-25T17:00:00.123Z");
        json.GetProperty("tags").GetProperty("msgid").GetString().Should().Be("abc");
        json.GetProperty("tags").GetProperty("+draft/x").GetString().Should().Be("");
        json.GetProperty("tags").GetProperty("y").GetString().Should().Be("a b");
        json.GetProperty("source").GetString().Should().Be("bob!b@host.example");
        json.GetProperty("command").GetString().Should().Be("PRIVMSG");
        json.GetProperty("params").EnumerateArray().Select(p => p.GetString()).Should().Equal("#ircstream", "hello there");

        var ping = Data(await stream.NextEventAsync());
        ping.GetProperty("source").ValueKind.Should().Be(JsonValueKind.Null);
        ping.GetProperty("tags").EnumerateObject().Should().BeEmpty();

        fake.Receive(":srv NOTICE alice :live");
        var live = await stream.NextEventAsync();
        live!.Value.EventId.Should().Be("5");
        Data(live).GetProperty("params")[1].GetString().Should().Be("live");
    }

    [Fact]
    public async Task ResumeWithLastEventIdHeaderOrQueryStartsAfterIt()
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        for (var i = 0; i < 5; i++) fake.Receive($"PRIVMSG #a :{i}");

        await using (var stream = await browser.OpenEventsAsync(id, lastEventId: 5))
        {
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("6");
            (await stream.NextEventAsync())!.Value.EventId.Should().Be("7");
        }

        using var response = await browser.Http.GetAsync($"/api/connections/{id}/events?lastEventId=6", HttpCompletionOption.ResponseHeadersRead, Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        await using var body = await response.Content.ReadAsStreamAsync(Token);
        await using var items = System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync(Token).GetAsyncEnumerator(Token);
        (await items.MoveNextAsync()).Should().BeTrue();
        items.Current.EventId.Should().Be("7");
    }

    [Fact]
    public async Task BadLastEventIdIs400()
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        using var response = await browser.Http.GetAsync($"/api/connections/{id}/events?lastEventId=abc", Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ResumeAcrossFiftyRandomDisconnectsGivesEachLaterEventOnceInOrder()
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        const int total = 600;

        using var producing = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                fake.Receive($"PRIVMSG #flow :{i}");
                // Paced, so the reader's disconnects fall both in bursts and in quiet moments.
                if (i % 5 == 0) await Task.Delay(1, producing.Token);
            }
        }, producing.Token);

        var random = new Random(4242);
        var received = new List<long>();
        long last = 0;
        var finalSeq = 2 + total;
        for (var round = 0; round < 50 || last < finalSeq; round++)
        {
            round.Should().BeLessThan(5000, "the stream must make progress");
            var take = random.Next(1, 25);
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(Token);
            await using var stream = await browser.OpenEventsUntilAsync(id, last == 0 ? null : last, cut.Token);
            for (var n = 0; n < take && last < finalSeq; n++)
            {
                var item = await stream.NextEventAsync();
                item.Should().NotBeNull();
                item!.Value.EventType.Should().NotBe("gap");
                var seq = long.Parse(item.Value.EventId!, System.Globalization.CultureInfo.InvariantCulture);
                received.Add(seq);
                last = seq;
            }
            await cut.CancelAsync();
        }
        await producer;

        received.Should().Equal(Enumerable.Range(1, (int)finalSeq).Select(i => (long)i), "each event exactly once, in order");
    }

    [Fact]
    public async Task GapEventComesFirstWhenTheResumePointWasOverwritten()
    {
        await using var host = StartHost(eventBufferSize: 10);
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        for (var i = 0; i < 30; i++) fake.Receive($"PRIVMSG #a :{i}");
        await StoredAsync(host, id);

        await using var stream = await browser.OpenEventsAsync(id, lastEventId: 3);
        var gap = await stream.NextEventAsync();
        gap!.Value.EventType.Should().Be("gap");
        var json = Data(gap);
        json.GetProperty("from").GetInt64().Should().Be(4);
        json.GetProperty("to").GetInt64().Should().Be(22);
        json.GetProperty("seq").GetInt64().Should().Be(22);
        gap.Value.EventId.Should().Be("22");
        (await stream.NextEventAsync())!.Value.EventId.Should().Be("23");

        var polled = await browser.PollAsync(id, since: 0, timeoutSeconds: 0);
        polled[0].GetProperty("type").GetString().Should().Be("gap");
        polled[0].GetProperty("from").GetInt64().Should().Be(1);
        polled[0].GetProperty("to").GetInt64().Should().Be(22);
        polled.Skip(1).Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(Enumerable.Range(23, 10).Select(i => (long)i));
    }

    [Fact]
    public async Task APollerThatKeepsComingBackGetsABurstLargerThanRetentionWithoutAGap()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:PollBatchSize"] = "7" }, eventBufferSize: 10);
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];
        var received = (await browser.PollAsync(id, since: 0, timeoutSeconds: 0)).Select(e => e.GetProperty("seq").GetInt64()).ToList();

        // The burst outruns the poller: 20 events per round, 7 read per poll.
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 20; i++) fake.Receive($"PRIVMSG #a :{round}.{i}");
            var batch = await browser.PollAsync(id, since: received[^1], timeoutSeconds: 0);
            batch.Should().NotContain(e => e.GetProperty("type").GetString() == "gap", "a poller that keeps coming back is a live reader");
            received.AddRange(batch.Select(e => e.GetProperty("seq").GetInt64()));
        }
        while (received[^1] < fake.Events.LastSeq)
            received.AddRange((await browser.PollAsync(id, since: received[^1], timeoutSeconds: 0)).Select(e => e.GetProperty("seq").GetInt64()));

        received.Should().Equal(Enumerable.Range(1, (int)fake.Events.LastSeq).Select(i => (long)i), "every event once, in order");
        fake.Events.InMemory().FirstRetainedSeq.Should().Be(fake.Events.LastSeq - 9, "once the poller caught up only the retention is kept");
    }

    [Fact]
    public async Task KeepaliveEveryIntervalWhileIdleWithoutAnId()
    {
        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(30);
        await using var host = StartHost(new Dictionary<string, string?> { ["IrcStream:KeepAliveInterval"] = "00:00:30" }, time: time);
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        await using var stream = await browser.OpenEventsAsync(id, lastEventId: 2);
        var opened = await stream.NextAsync();
        opened!.Value.EventType.Should().Be("keepalive", "with nothing to replay the stream says at once that it is open");
        opened.Value.ReconnectionInterval.Should().NotBeNull();

        // Each keepalive's wait starts when the one before is sent, so the clock has moved at least one interval per keepalive.
        var moved = TimeSpan.Zero;
        for (var i = 1; i <= 3; i++)
        {
            var next = stream.NextAsync(TimeSpan.FromSeconds(20));
            moved += await time.AdvanceUntilAsync(next, interval / 6);
            moved.Should().BeGreaterThanOrEqualTo(interval * i, "a keepalive only after an idle interval");
            var item = await next;
            item!.Value.EventType.Should().Be("keepalive");
            item.Value.EventId.Should().BeNull();
            item.Value.Data.Should().NotContain("seq");
        }

        host.Fakes![id].Receive("PRIVMSG #a :wake");
        (await stream.NextEventAsync())!.Value.EventId.Should().Be("3");
    }

    [Fact]
    public async Task DeleteEndsTheStreamWithClosed()
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        await using var stream = await browser.OpenEventsAsync(id, lastEventId: 2);
        await stream.NextAsync();

        using (var delete = await browser.Http.DeleteAsync($"/api/connections/{id}", Token))
            delete.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var closed = await stream.NextEventAsync();
        closed!.Value.EventType.Should().Be("status");
        Data(closed).GetProperty("status").GetString().Should().Be(IrcStatus.Closed);
        (await stream.NextEventAsync()).Should().BeNull("the stream ends after CLOSED");
    }

    [Fact]
    public async Task EmptyPollReturnsEmptyArrayAfterItsTimeout()
    {
        var time = new FakeTimeProvider();
        await using var host = StartHost(time: time);
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        var poll = browser.PollAsync(id, since: 2, timeoutSeconds: 20);
        (await time.AdvanceUntilAsync(poll, TimeSpan.FromSeconds(4))).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(20));
        (await poll).Should().BeEmpty();
    }

    [Fact]
    public async Task PollDefaultsToLongPollTimeout()
    {
        var time = new FakeTimeProvider();
        await using var host = StartHost(new Dictionary<string, string?> { ["IrcStream:LongPollTimeout"] = "00:00:12" }, time: time);
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        var poll = browser.Http.GetAsync($"/api/connections/{id}/poll?since=2", Token);
        // The clock moves once the poll waits and stops once it no longer waits, so how far it moved is about the
        // wait, not the request's way in or the answer's way back.
        await WaitingPollsBecomeAsync(host, id, 1);
        var moved = await time.AdvanceUntilAsync(WaitingPollsBecomeAsync(host, id, 0), TimeSpan.FromSeconds(1));
        moved.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(12)).And.BeLessThan(StreamingApi.MaxPollTimeout, "the setting, not the cap");
        using var response = await poll;
        (await response.Content.ReadAsStringAsync(Token)).Should().Be("[]");
    }

    [Fact]
    public async Task WaitingPollReturnsAsSoonAsAMessageArrives()
    {
        await using var host = StartHost(time: new FakeTimeProvider());
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        var poll = browser.PollAsync(id, since: 2, timeoutSeconds: 30);
        await WaitingPollsBecomeAsync(host, id, 1);
        poll.IsCompleted.Should().BeFalse("nothing arrived yet");
        host.Fakes![id].Receive(":bob!b@h PRIVMSG #a :now");
        // The gateway's clock does not move: only the message can end the poll.
        var events = await poll.WaitAsync(TimeSpan.FromSeconds(10), Token);
        events.Should().ContainSingle();
        events[0].GetProperty("seq").GetInt64().Should().Be(3);
        events[0].GetProperty("params")[1].GetString().Should().Be("now");
    }

    [Fact]
    public async Task PollReturnsAtMostPollBatchSizeAtOnce()
    {
        await using var host = StartHost(new Dictionary<string, string?> { ["IrcStream:PollBatchSize"] = "4" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        for (var i = 0; i < 10; i++) host.Fakes![id].Receive($"PRIVMSG #a :{i}");
        await StoredAsync(host, id);

        var first = await browser.PollAsync(id, since: 0, timeoutSeconds: 30);
        first.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(1, 2, 3, 4);
        var next = await browser.PollAsync(id, since: 4, timeoutSeconds: 30);
        next.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(5, 6, 7, 8);
    }

    [Theory]
    [InlineData("since=-1")]
    [InlineData("since=abc")]
    [InlineData("timeout=-2")]
    [InlineData("timeout=soon")]
    public async Task BadPollParametersAre400(string query)
    {
        await using var host = StartHost();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        using var response = await browser.Http.GetAsync($"/api/connections/{id}/poll?{query}", Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BrowserDisconnectFreesTheStream()
    {
        await using var host = StartHost(new Dictionary<string, string?> { ["IrcStream:SessionIdleTimeout"] = "00:00:01" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var stream = await browser.OpenEventsAsync(id);
        await stream.NextEventAsync();
        await stream.DisposeAsync();

        // With the stream gone, nothing keeps the session alive: it expires and its connection is closed.
        (await host.Fakes![id].Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Session expired");
    }
}

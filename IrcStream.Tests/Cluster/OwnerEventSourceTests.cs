using IrcStream.Api.Cluster;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>The owner's readers, served from its in-memory log, against a real redis-server holding the copy.</summary>
[Collection("Redis")]
public sealed class OwnerEventSourceTests(RedisFixture fixture) : IAsyncLifetime
{
    private const string Token = "node-a:1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly RedisKeys _keys = new(RedisFixture.UniquePrefix("owner-read"));
    private ConnectionMultiplexer? _redis;
    private RedisEventStore? _store;
    private RedisEventNotifier? _notifier;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        await _redis.GetDatabase().StringSetAsync(_keys.Lease("c1"), Token, TimeSpan.FromMinutes(1));
        _store = new RedisEventStore(_redis, _keys, capacity: 100, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        _notifier = new RedisEventNotifier(_redis, _keys);
        await _notifier.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_notifier is not null) await _notifier.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    private RedisEventLog NewLog(Func<string?> token, long lastSeq = 0) =>
        new("c1", _store!, new EventLogLimits { MaxEvents = _store!.Capacity }, token, TimeProvider.System, lastSeq: lastSeq);

    private OwnerEventSource SourceOf(RedisEventLog log) => new(log, new RedisEventSources(_store!, _notifier!).Open("c1"));

    [Fact]
    public async Task TheOwnerServesFromMemoryOnlyWhatRedisHasTaken()
    {
        string? token = null;
        var log = NewLog(() => token);
        var appended = Enumerable.Range(1, 3).Select(i => log.Append(Status(i))).ToList();
        var source = SourceOf(log);

        (await source.PollAsync(0, 10)).Events.Should().BeEmpty("no event is in Redis yet: a reader that moved to another node could not find them");
        var woken = source.WaitForEventsAfterAsync(0, Cancel).AsTask();
        woken.IsCompleted.Should().BeFalse();

        token = Token;
        (await woken.WaitAsync(Patience, Cancel)).Should().BeTrue("the flush copied the first");
        // The flush took the first event alone (it was waiting for the token with it): the others follow in a second batch.
        while (log.ShippedSeq < 3) await log.ShippedMoved.WaitAsync(Patience, Cancel);
        var batch = await source.PollAsync(0, 10);
        batch.Events.Select(e => e.Seq).Should().Equal(1, 2, 3);
        batch.Events[2].Json.ToArray().Should().Equal(appended[2].Json.ToArray(), "the very event appended, from memory");
        batch.Completed.Should().BeFalse();

        log.Complete();
        await log.Drained.WaitAsync(Patience, Cancel);
        (await source.WaitForEventsAfterAsync(3, Cancel)).Should().BeFalse("the log ended");
        (await source.PollAsync(3, 10)).Completed.Should().BeTrue();
    }

    [Fact]
    public async Task AReaderBehindWhatMemoryHoldsReadsTheCopyThenMemoryEachEventOnce()
    {
        // Events 1-10 written by the previous owner; this node took the connection over and goes on at 11.
        var previous = Enumerable.Range(1, 10).Select(i => new StoredEvent(i, EventTypes.Status, "{}"u8.ToArray())).ToArray();
        await _store!.AppendAsync("c1", Token, 0, previous);
        var log = NewLog(() => Token, lastSeq: 10);
        log.Append(Status(11));
        log.Append(Status(12));
        while (log.ShippedSeq < 12) await log.ShippedMoved.WaitAsync(Patience, Cancel);

        var source = SourceOf(log);
        using var cursor = source.OpenCursor(5);
        var seen = new List<long>();
        while (seen.Count == 0 || seen[^1] < 12)
        {
            var batch = await cursor.ReadAsync(3);
            batch.Events.Should().NotBeEmpty("every event up to 12 is there to read");
            seen.AddRange(batch.Events.Select(e => e.Seq));
        }
        seen.Should().Equal(6, 7, 8, 9, 10, 11, 12);
        (await source.PollAsync(10, 10)).Events.Select(e => e.Seq).Should().Equal(11, 12);
    }

    [Fact]
    public async Task OnceTheNodeStopsCopyingItsReadersReadRedis()
    {
        var log = NewLog(() => Token);
        log.Append(Status(1));
        while (log.ShippedSeq < 1) await log.ShippedMoved.WaitAsync(Patience, Cancel);
        var source = SourceOf(log);

        // Another node took it over and appended 2 to the stream; this node's log is let go.
        log.LetGo();
        await _redis!.GetDatabase().StringSetAsync(_keys.Lease("c1"), "node-b:2", TimeSpan.FromMinutes(1));
        await _store!.AppendAsync("c1", "node-b:2", 1, [new StoredEvent(2, EventTypes.Status, "{}"u8.ToArray())]);

        (await source.PollAsync(1, 10)).Events.Select(e => e.Seq).Should().Equal([2], "the new owner's event, from Redis");
    }

    private static StatusEvent Status(int i) => new(IrcStatus.Connecting, $"event {i}", DateTimeOffset.UtcNow);
}

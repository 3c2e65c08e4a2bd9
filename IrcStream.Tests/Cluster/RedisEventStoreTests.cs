using IrcStream.Api.Cluster;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

[Collection("Redis")]
public sealed class RedisEventStoreTests(RedisFixture fixture) : IAsyncLifetime
{
    private const string Token = "node-a:1";
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly RedisKeys _keys = new(RedisFixture.UniquePrefix("store"));
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task EntriesAreTheEventsJsonUnderSeqIds()
    {
        var store = Store(capacity: 10);
        await HoldLease("c1", Token);
        var events = Events(3);

        (await store.AppendAsync("c1", Token, 0, events)).Outcome.Should().Be(AppendOutcome.Appended);

        var entries = await _redis.GetDatabase().StreamRangeAsync(_keys.Log("c1"));
        entries.Select(e => e.Id.ToString()).Should().Equal("1-0", "2-0", "3-0");
        for (var i = 0; i < 3; i++)
        {
            entries[i]["t"].ToString().Should().Be(EventTypes.Status);
            ((byte[])entries[i]["j"]!).Should().Equal(events[i].Json.ToArray(), "the stream holds the bytes serialised once at append");
        }
        var read = await store.ReadAfterAsync("c1", 0, 100);
        read.Events.Select(e => e.Seq).Should().Equal(1, 2, 3);
        read.Events.Select(e => e.Json.ToArray()).Should().BeEquivalentTo(events.Select(e => e.Json.ToArray()), o => o.WithStrictOrdering());
        read.Completed.Should().BeFalse();
    }

    [Fact]
    public async Task AnotherTokenOnTheLeaseFencesTheAppendOff()
    {
        var store = Store(capacity: 10);
        await HoldLease("c1", "node-b:7");

        (await store.AppendAsync("c1", Token, 0, Events(2))).Outcome.Should().Be(AppendOutcome.LeaseLost);
        (await _redis.GetDatabase().KeyExistsAsync(_keys.Log("c1"))).Should().BeFalse("a node without the lease writes nothing");
    }

    [Fact]
    public async Task AnExpiredLeaseHoldsTheAppendBackWithoutWritingAndWithoutFencingTheWriterOff()
    {
        var store = Store(capacity: 10);

        (await store.AppendAsync("c1", Token, 0, Events(2))).Outcome.Should().Be(AppendOutcome.LeaseVacant,
            "nobody holds it: its owner takes it again at its next renewal unless another node wrote meanwhile");
        (await _redis.GetDatabase().KeyExistsAsync(_keys.Log("c1"))).Should().BeFalse("nothing is written without the lease");

        await HoldLease("c1", Token);
        (await store.AppendAsync("c1", Token, 0, Events(2))).Outcome.Should().Be(AppendOutcome.Appended);
    }

    /// <summary>
    /// What lets the owner send its batches without waiting for each answer: a batch sent behind one that wrote nothing
    /// writes nothing either, even when the lease came back in between, because the stream does not hold the newest seq
    /// the batch ahead of it was to write.
    /// </summary>
    [Fact]
    public async Task ABatchSentBehindOneThatWroteNothingWritesNothingEither()
    {
        var store = Store(capacity: 10);
        var db = _redis.GetDatabase();
        var events = Events(4);

        // Sent one after the other on one connection, no answer awaited: Redis runs them in that order.
        var first = store.AppendAsync("c1", Token, 0, events[..2]);
        var leaseBack = db.StringSetAsync(_keys.Lease("c1"), Token, TimeSpan.FromMinutes(1));
        var second = store.AppendAsync("c1", Token, 2, events[2..]);

        (await first).Outcome.Should().Be(AppendOutcome.LeaseVacant);
        (await leaseBack).Should().BeTrue();
        (await second).Should().Be(new AppendResult(AppendOutcome.Behind, 0), "the stream lacks seq 2, which the batch ahead was to write");
        (await db.KeyExistsAsync(_keys.Log("c1"))).Should().BeFalse("events 3 and 4 never go in ahead of 1 and 2");
    }

    [Fact]
    public async Task AStreamThatEndsBeforeWhatTheWriterAppendedIsAnsweredWithWhereItEnds()
    {
        var store = Store(capacity: 10);
        await HoldLease("c1", Token);
        var events = Events(6);
        await store.AppendAsync("c1", Token, 0, events[..5]);
        // A failover to a replica that had not received the newest entries yet.
        await RedisStreams.KeepOldestAsync(_redis.GetDatabase(), _keys.Log("c1"), 3);

        var result = await store.AppendAsync("c1", Token, 5, events[5..]);

        result.Should().Be(new AppendResult(AppendOutcome.Behind, 3));
        (await store.ReadAfterAsync("c1", 0, 100)).Events.Select(e => e.Seq).Should().Equal([1, 2, 3], "nothing is appended over the hole");
        (await store.AppendAsync("c1", Token, 3, events[3..])).Outcome.Should().Be(AppendOutcome.Appended);
        (await store.ReadAfterAsync("c1", 0, 100)).Events.Select(e => e.Seq).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public async Task ARetriedBatchAddsNothingTwice()
    {
        var store = Store(capacity: 10);
        await HoldLease("c1", Token);
        var events = Events(4);

        await store.AppendAsync("c1", Token, 0, events[..3]);
        await store.AppendAsync("c1", Token, 0, events[1..]);

        var read = await store.ReadAfterAsync("c1", 0, 100);
        read.Events.Select(e => e.Seq).Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public async Task RetentionKeepsTheNewestEventsAndAReaderBehindThemGetsOneExactGap()
    {
        var store = Store(capacity: 5);
        await HoldLease("c1", Token);
        var events = Events(12);
        await store.AppendAsync("c1", Token, 0, events[..4]);
        await store.AppendAsync("c1", Token, 0, events[4..]);

        (await _redis.GetDatabase().StreamLengthAsync(_keys.Log("c1"))).Should().Be(5);
        var fromStart = await store.ReadAfterAsync("c1", 0, 100);
        fromStart.Events.Select(e => (e.Seq, e.Type)).Should().Equal(
            (7, EventTypes.Gap), (8, EventTypes.Status), (9, EventTypes.Status), (10, EventTypes.Status), (11, EventTypes.Status), (12, EventTypes.Status));
        var gap = (GapEvent)fromStart.Events[0].Decode();
        (gap.From, gap.To).Should().Be((1, 7));

        (await store.ReadAfterAsync("c1", 3, 2)).Events.Select(e => e.Seq).Should().Equal([7, 8], "the gap counts in the batch");
        (await store.ReadAfterAsync("c1", 7, 100)).Events.Select(e => e.Seq).Should().Equal(8, 9, 10, 11, 12);
        (await store.ReadAfterAsync("c1", 10, 100)).Events.Select(e => e.Seq).Should().Equal(11, 12);
        (await store.ReadAfterAsync("c1", 12, 100)).Events.Should().BeEmpty();
        (await store.ReadAfterAsync("c1", 99, 100)).Events.Should().BeEmpty();
        (await store.LastSeqAsync("c1")).Should().Be(12);
    }

    [Fact]
    public async Task ASeqNeverAppendedIsReadAsAGapOverExactlyThoseSeqs()
    {
        var store = Store(capacity: 100);
        await HoldLease("c1", Token);
        var events = Events(10);
        await store.AppendAsync("c1", Token, 0, [.. events[..3], .. events[7..]]);

        var read = await store.ReadAfterAsync("c1", 1, 100);
        read.Events.Select(e => e.Seq).Should().Equal(2, 3, 7, 8, 9, 10);
        var gap = (GapEvent)read.Events[2].Decode();
        (gap.From, gap.To).Should().Be((4, 7));
    }

    [Fact]
    public async Task TheEndMarkCompletesReadersAfterTheLastEventAndTheKeysExpire()
    {
        var store = Store(capacity: 10);
        await HoldLease("c1", Token);
        var events = Events(3);
        await store.AppendAsync("c1", Token, 0, events[..2]);
        await store.AppendAsync("c1", Token, 0, events[2..], endAfter: TimeSpan.FromMinutes(5));

        (await store.ReadAfterAsync("c1", 1, 100)).Completed.Should().BeTrue("the read reached the end");
        (await store.ReadAfterAsync("c1", 1, 1)).Completed.Should().BeFalse("event 3 is still to come for this reader");
        (await store.ReadAfterAsync("c1", 3, 100)).Should().Match<EventBatch>(r => r.Completed && r.Events.Count == 0);
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(_keys.Log("c1"));
        ttl.Should().NotBeNull().And.BeGreaterThan(TimeSpan.FromMinutes(4));
        (await _redis.GetDatabase().KeyTimeToLiveAsync(_keys.LogEnd("c1"))).Should().NotBeNull();
    }

    [Fact]
    public async Task AnAppendOnOneNodeWakesAReaderOnAnother()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodeB = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        await using var notifier = new RedisEventNotifier(nodeB, _keys);
        await notifier.StartAsync();
        var store = Store(capacity: 10);
        await HoldLease("c1", Token);
        await store.AppendAsync("c1", Token, 0, Events(1));

        using var caughtUp = notifier.Register("c1", after: 1);
        using var other = notifier.Register("c2", after: 0);
        caughtUp.Woken.IsCompleted.Should().BeFalse();
        await store.AppendAsync("c1", Token, 0, Events(2));

        await caughtUp.Woken.WaitAsync(TimeSpan.FromSeconds(10), ct);
        other.Woken.IsCompleted.Should().BeFalse("only readers of the appended connection are woken");
        using var behind = notifier.Register("c1", after: 5);
        using var atTwo = notifier.Register("c1", after: 2);
        await store.AppendAsync("c1", Token, 0, Events(3));
        await atTwo.Woken.WaitAsync(TimeSpan.FromSeconds(10), ct);
        behind.Woken.IsCompleted.Should().BeFalse("seq 3 is not after 5");
    }

    /// <summary>
    /// A stream on another node reads ahead of what it asked for (1024 at a time, the next read sent while these are
    /// written out) and hands the events out as asked: each once, in order, no batch larger than asked, the gap first, and
    /// the end only with the last.
    /// </summary>
    [Fact]
    public async Task AStreamsCursorReadsAheadAndHandsOutEachEventOnceInOrderAsAsked()
    {
        var store = Store(capacity: 2400);
        await HoldLease("c1", Token);
        var events = Events(2600);
        for (var from = 0; from < events.Length; from += 500)
        {
            var batch = events[from..Math.Min(events.Length, from + 500)];
            var ending = from + 500 >= events.Length ? TimeSpan.FromMinutes(1) : (TimeSpan?)null;
            (await store.AppendAsync("c1", Token, from, batch, ending)).Outcome.Should().Be(AppendOutcome.Appended);
        }
        await using var notifier = new RedisEventNotifier(_redis, _keys);
        using var cursor = new RedisEventSources(store, notifier).Open("c1").OpenCursor(0);

        var read = new List<StoredEvent>();
        var completed = false;
        while (!completed)
        {
            var batch = await cursor.ReadAsync(256);
            batch.Events.Should().NotBeEmpty("the log is there to read until its end").And.HaveCountLessThanOrEqualTo(256);
            read.AddRange(batch.Events);
            completed = batch.Completed;
        }

        // Retention kept the newest 2400: the first 200 are one gap.
        var gap = (GapEvent)read[0].Decode();
        (gap.From, gap.To).Should().Be((1, 200));
        read.Skip(1).Select(e => e.Seq).Should().Equal(Enumerable.Range(201, 2400).Select(i => (long)i));
        read[^1].Json.ToArray().Should().Equal(events[^1].Json.ToArray());
    }

    private RedisEventStore Store(int capacity) => new(_redis, _keys, capacity, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));

    private Task HoldLease(string connectionId, string token) =>
        _redis.GetDatabase().StringSetAsync(_keys.Lease(connectionId), token, TimeSpan.FromMinutes(1));

    private static StoredEvent[] Events(int count)
    {
        var log = new EventLog(count);
        return Enumerable.Range(1, count).Select(i => log.Append(new StatusEvent(IrcStatus.Connected, $"event {i}", Now))).ToArray();
    }
}

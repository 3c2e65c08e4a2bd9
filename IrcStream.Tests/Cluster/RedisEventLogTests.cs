using IrcStream.Api.Cluster;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

[Collection("Redis")]
public sealed class RedisEventLogTests(RedisFixture fixture)
{
    private const string Token = "node-a:1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryAppendedEventReachesTheStreamInOrderAndTheEndMarkFollowsTheLast()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var keys = new RedisKeys(RedisFixture.UniquePrefix("log"));
        await redis.GetDatabase().StringSetAsync(keys.Lease("c1"), Token, TimeSpan.FromMinutes(1));
        var store = new RedisEventStore(redis, keys, capacity: 5000, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        var log = new RedisEventLog("c1", store, new EventLogLimits { MaxEvents = store.Capacity }, () => Token, TimeProvider.System);

        var appended = new List<StoredEvent>();
        for (var i = 1; i <= 3000; i++) appended.Add(log.Append(Status(i)));
        log.Complete();
        await log.Drained.WaitAsync(Patience, ct);

        var read = await store.ReadAfterAsync("c1", 0, 10_000);
        read.Completed.Should().BeTrue();
        read.Events.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 3000).Select(i => (long)i));
        read.Events[^1].Json.ToArray().Should().Equal(appended[^1].Json.ToArray());
        log.Held.Should().Be(0);
    }

    [Fact]
    public async Task ANodeThatLostTheLeaseStopsWriting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var (keys, store, log) = await LogUnderLeaseAsync(redis);
        var db = redis.GetDatabase();
        log.Append(Status(1));

        // Another node takes the connection over: the lease now holds its token.
        await db.StringSetAsync(keys.Lease("c1"), "node-b:2", TimeSpan.FromMinutes(1));
        log.Append(Status(2));
        log.Append(Status(3));
        log.Complete();
        await log.Drained.WaitAsync(Patience, ct);

        log.LeaseLost.Should().BeTrue();
        var read = await store.ReadAfterAsync("c1", 0, 100);
        read.Events.Select(e => e.Seq).Should().Equal([1], "nothing is written after the lease went to another node");
        read.Completed.Should().BeFalse("nor the end mark");
    }

    [Fact]
    public async Task EventsHeldWhileTheLeaseHadExpiredAreAppendedOnceAndInOrderWhenItIsTakenAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var (keys, store, log) = await LogUnderLeaseAsync(redis);
        var db = redis.GetDatabase();
        for (var i = 1; i <= 3; i++) log.Append(Status(i));
        await WaitUntilShippedAsync(log, 3, ct);

        // The lease expired while Redis was away: what the owner reads meanwhile is held, not dropped.
        await db.KeyDeleteAsync(keys.Lease("c1"));
        for (var i = 4; i <= 6; i++) log.Append(Status(i));
        await Task.Delay(500, ct);
        log.LeaseLost.Should().BeFalse();
        (await store.ReadAfterAsync("c1", 0, 100)).Events.Should().HaveCount(3);

        // Its renewal takes the lease again with the same token.
        await db.StringSetAsync(keys.Lease("c1"), Token, TimeSpan.FromMinutes(1));
        log.Append(Status(7));
        await WaitUntilShippedAsync(log, 7, ct);
        (await store.ReadAfterAsync("c1", 0, 100)).Events.Select(e => e.Seq).Should().Equal(1, 2, 3, 4, 5, 6, 7);
    }

    /// <summary>
    /// An append that landed while its answer was lost (a timeout while the node was starved of CPU, or a primary killed
    /// before its answer left) is the owner's own writing: its renewal still takes its expired lease back. Comparing
    /// with <see cref="RedisEventLog.ShippedSeq"/> made the owner let its IRC socket go and another node take over.
    /// </summary>
    [Fact]
    public async Task AnAppendWhoseAnswerWasLostDoesNotStopTheOwnerTakingItsExpiredLeaseBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var (keys, store, log) = await LogUnderLeaseAsync(redis);
        var db = redis.GetDatabase();
        var session = keys.SessionByHash("s1");
        await db.HashSetAsync(session, "address", "127.0.0.1");
        await db.HashSetAsync(keys.Connection("c1"), "owner", "node-a");
        for (var i = 1; i <= 3; i++) log.Append(Status(i));
        await WaitUntilShippedAsync(log, 3, ct);

        // Events 4 and 5 reached the stream under the lease, but their answer never came back; then the lease expired.
        await db.KeyDeleteAsync(keys.Lease("c1"));
        log.Append(Status(4));
        log.Append(Status(5));
        foreach (var e in log.ReadAfter(3))
            await db.StreamAddAsync(keys.Log("c1"), [new("t", e.Type), new("j", e.Json.ToArray())], $"{e.Seq}-0");
        log.ShippedSeq.Should().Be(3);

        var renewal = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.ConnectionRenew,
            [keys.Lease("c1"), keys.Connection("c1"), session, keys.Log("c1")],
            [Token, 10_000, 60_000, "node-a", log.MayHaveWritten, "state", "connected"]))!;
        ((int)renewal[0]).Should().Be(2, "the stream ends at an event of this node's own: no other node wrote there");

        log.Append(Status(6));
        await WaitUntilShippedAsync(log, 6, ct);
        (await store.ReadAfterAsync("c1", 0, 100)).Events.Select(e => e.Seq).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public async Task EntriesTheStreamLostInAFailoverAreAppendedAgainFromMemoryWithTheirSeqs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var (keys, store, log) = await LogUnderLeaseAsync(redis);
        var db = redis.GetDatabase();
        var appended = Enumerable.Range(1, 5).Select(i => log.Append(Status(i))).ToList();
        await WaitUntilShippedAsync(log, 5, ct);

        // The new primary had not received the newest two entries.
        await RedisStreams.KeepOldestAsync(db, keys.Log("c1"), 3);
        appended.Add(log.Append(Status(6)));
        log.Complete();
        await log.Drained.WaitAsync(Patience, ct);

        var read = await store.ReadAfterAsync("c1", 0, 100);
        read.Events.Select(e => e.Seq).Should().Equal(1, 2, 3, 4, 5, 6);
        read.Events.Select(e => e.Json.ToArray()).Should().BeEquivalentTo(appended.Select(e => e.Json.ToArray()), o => o.WithStrictOrdering(), "the same events under the same seqs");
        read.Completed.Should().BeTrue();
    }

    /// <summary>
    /// The flush sends several batches before the first is answered. When the fence refuses the first (the lease expired
    /// while Redis was away), those sent behind it write nothing either, and all go again, once and in order, when the
    /// lease is back. Its retries wait on a clock that stands still until the test moves it, so the calls counted before
    /// that are the batches sent without waiting for an answer.
    /// </summary>
    [Fact]
    public async Task BatchesGoBeforeTheFirstIsAnsweredAndThoseTheFenceRefusedGoAgainOnceInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(ct);
        // Admin: INFO counts the scripts Redis ran.
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.Configuration},allowAdmin=true");
        var db = redis.GetDatabase();
        var keys = new RedisKeys("in-flight");
        var store = new RedisEventStore(redis, keys, capacity: 5000, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        var time = new FakeTimeProvider(Now);
        string? token = null;
        var log = new RedisEventLog("c1", store, new EventLogLimits { MaxEvents = store.Capacity }, () => token, time);

        // No token yet: the flush waits with the first event, and the others pile up behind it.
        for (var i = 1; i <= 2048; i++) log.Append(Status(i));
        token = Token;
        time.Advance(TimeSpan.FromMilliseconds(100));

        // Nobody holds the lease in Redis: every batch is refused.
        var deadline = DateTime.UtcNow + Patience;
        while (await ScriptCallsAsync(redis) < 4)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "four batches (the first event, then three of 512) go to Redis without waiting for the first answer");
            await Task.Delay(20, ct);
        }
        log.ShippedSeq.Should().Be(0);
        (await db.KeyExistsAsync(keys.Log("c1"))).Should().BeFalse("no batch behind a refused one writes");

        await db.StringSetAsync(keys.Lease("c1"), Token);
        deadline = DateTime.UtcNow + Patience;
        while (log.ShippedSeq < 2048)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the log reaches Redis once the lease is back (it is at {log.ShippedSeq})");
            time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20, ct);
        }
        var read = await store.ReadAfterAsync("c1", 0, 5000);
        read.Events.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 2048).Select(i => (long)i));
        (await db.StreamLengthAsync(keys.Log("c1"))).Should().Be(2048);
    }

    /// <summary>Scripts Redis has run since it started (<c>EVAL</c> and <c>EVALSHA</c>, from <c>INFO commandstats</c>).</summary>
    private static async Task<long> ScriptCallsAsync(ConnectionMultiplexer redis)
    {
        var stats = await redis.GetServer(redis.GetEndPoints()[0]).InfoAsync("commandstats");
        return stats.SelectMany(group => group)
            .Where(stat => stat.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(stat => long.Parse(stat.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The log of connection c1 under <see cref="Token"/> (held on the lease), in a key space of its own.</summary>
    private static async Task<(RedisKeys Keys, RedisEventStore Store, RedisEventLog Log)> LogUnderLeaseAsync(ConnectionMultiplexer redis)
    {
        var keys = new RedisKeys(RedisFixture.UniquePrefix("log"));
        await redis.GetDatabase().StringSetAsync(keys.Lease("c1"), Token, TimeSpan.FromMinutes(1));
        var store = new RedisEventStore(redis, keys, capacity: 100, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        return (keys, store, new RedisEventLog("c1", store, new EventLogLimits { MaxEvents = store.Capacity }, () => Token, TimeProvider.System));
    }

    private static async Task WaitUntilShippedAsync(RedisEventLog log, long seq, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (log.ShippedSeq < seq)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the log reaches Redis up to {seq} within {Patience}");
            await Task.Delay(20, ct);
        }
    }

    [Fact]
    public async Task EventsReceivedWhileRedisIsAwayAreHeldAndAppendedWhenItIsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(ct, persistent: true);
        await using var redis = await ConnectAsync(server);
        var keys = new RedisKeys("outage");
        await redis.GetDatabase().StringSetAsync(keys.Lease("c1"), Token);
        var store = new RedisEventStore(redis, keys, capacity: 100, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        var failures = 0;
        var log = new RedisEventLog("c1", store, new EventLogLimits { MaxEvents = store.Capacity }, () => Token, TimeProvider.System, onFailure: (_, _) => Interlocked.Increment(ref failures));
        await using var notifier = new RedisEventNotifier(redis, keys);
        await notifier.StartAsync();
        using (var shipped = notifier.Register("c1", after: 4))
        {
            for (var i = 1; i <= 5; i++) log.Append(Status(i));
            await shipped.Woken.WaitAsync(Patience, ct);
        }

        await server.StopAsync();
        for (var i = 6; i <= 40; i++) log.Append(Status(i));
        log.Held.Should().BeGreaterThan(0);

        await server.RestartAsync(ct);
        log.Complete();
        await log.Drained.WaitAsync(Patience, ct);

        failures.Should().BePositive("the appends failed while Redis was away");
        var read = await store.ReadAfterAsync("c1", 5, 100);
        read.Events.Select(e => e.Seq).Should().Equal(Enumerable.Range(6, 35).Select(i => (long)i), "every held event is appended once, in order");
        read.Completed.Should().BeTrue();
    }

    [Fact]
    public async Task BeyondTheHoldTheLogRecordsAGapNeverASilentLoss()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(ct, persistent: true);
        await using var redis = await ConnectAsync(server);
        var keys = new RedisKeys("overflow");
        await redis.GetDatabase().StringSetAsync(keys.Lease("c1"), Token);
        var store = new RedisEventStore(redis, keys, capacity: 10, TimeProvider.System, new ClusterMetrics(TestMeters.NewFactory()));
        var log = new RedisEventLog("c1", store, new EventLogLimits { MaxEvents = store.Capacity, MaxHeldBytes = 0 }, () => Token, TimeProvider.System);
        await using var notifier = new RedisEventNotifier(redis, keys);
        await notifier.StartAsync();
        using (var shipped = notifier.Register("c1", after: 2))
        {
            for (var i = 1; i <= 3; i++) log.Append(Status(i));
            await shipped.Woken.WaitAsync(Patience, ct);
        }

        await server.StopAsync();
        for (var i = 4; i <= 50; i++) log.Append(Status(i));
        await server.RestartAsync(ct);
        log.Complete();
        await log.Drained.WaitAsync(Patience, ct);

        // No hold beyond retention here: the in-memory log kept the newest 10 (41..50); 4..40 never reached Redis.
        var read = await store.ReadAfterAsync("c1", 3, 100);
        read.Events.Select(e => e.Seq).Should().Equal([40, .. Enumerable.Range(41, 10).Select(i => (long)i)]);
        var gap = (GapEvent)read.Events[0].Decode();
        (gap.From, gap.To).Should().Be((4, 40));
    }

    /// <summary>A client as the gateway sets one up, with short timeouts so the test sees the outage quickly.</summary>
    private static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer server)
    {
        var options = RedisSetup.ClientOptions(server.Configuration);
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = 1000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static StatusEvent Status(int i) => new(IrcStatus.Connected, $"event {i}", Now);
}

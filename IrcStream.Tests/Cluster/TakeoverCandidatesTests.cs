using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// The takeover scan's one call a round, against a real redis-server: which connections it finds, and that it keeps its
/// index so that a live connection is not read again until its lease could have run out.
/// </summary>
[Collection("Redis")]
public sealed class TakeoverCandidatesTests(RedisFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Held = TimeSpan.FromMinutes(1);

    private readonly RedisKeys _keys = new(RedisFixture.UniquePrefix("takeover"));
    private readonly IOptions<IrcStreamOptions> _options = Options.Create(new IrcStreamOptions());
    private ConnectionMultiplexer? _redis;
    private GatewayNode? _node;
    private TakeoverCandidates? _candidates;

    private IDatabase Db => _redis!.GetDatabase();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        _node = new GatewayNode(new NoServer(), _options);
        _candidates = new TakeoverCandidates(_redis, _keys, _node);
    }

    [Fact]
    public async Task ARoundFindsTheRecordedConnectionsNobodyHoldsAndNoOthers()
    {
        await RecordAsync("orphan");
        await RecordAsync("held", lease: "other:1");
        await RecordAsync("ended");
        await Db.StringSetAsync(_keys.LogEnd("ended"), 7);
        await RecordAsync("handed-here", lease: _node!.Id + ConnectionLeases.HandoverMark + "g1");
        await RecordAsync("handed-elsewhere", lease: "other" + ConnectionLeases.HandoverMark + "g2");
        // Its record expired with its session.
        await Db.SortedSetAddAsync(_keys.LeaseExpiries, "unrecorded", 0);
        await Db.SetAddAsync(_keys.Connections, "unrecorded");

        var round = await _candidates!.FindAsync();

        round.Orphans.Should().Equal("orphan");
        round.Handed.Should().Equal([("handed-here", _node.Id + ConnectionLeases.HandoverMark + "g1")]);
        // What is closed for good leaves both lists; what is handed to another node stays due until that node claims it.
        (await Db.SortedSetScoreAsync(_keys.LeaseExpiries, "ended")).Should().BeNull();
        (await Db.SortedSetScoreAsync(_keys.LeaseExpiries, "unrecorded")).Should().BeNull();
        (await Db.SetContainsAsync(_keys.Connections, "unrecorded")).Should().BeFalse();
        (await Db.SortedSetScoreAsync(_keys.LeaseExpiries, "handed-elsewhere")).Should().Be(0);
    }

    [Fact]
    public async Task AHeldLeaseIsNotReadAgainUntilItCouldHaveRunOut()
    {
        await RecordAsync("held", lease: "other:1");

        (await _candidates!.FindAsync()).Orphans.Should().BeEmpty();

        var due = (await Db.SortedSetScoreAsync(_keys.LeaseExpiries, "held"))!.Value;
        var expires = await ExpiryMsAsync(_keys.Lease("held"));
        // Its real expiry as Redis counts it (the lease is not renewed here), never later.
        due.Should().BeInRange(expires - 2, expires + 1);
        (await Db.SortedSetRangeByScoreAsync(_keys.LeaseExpiries, double.NegativeInfinity, due - 1)).Should().BeEmpty();
    }

    [Fact]
    public async Task ALeaseDeletedOrHandedOverIsDueAtOnce()
    {
        var leases = new ConnectionLeases(_redis!, _keys, _node!, _options, TimeProvider.System);
        foreach (var id in new[] { "deleted", "handed" })
        {
            (await leases.AcquireAsync(id)).Should().BeTrue();
            await RecordAsync(id, lease: null);
        }
        await _candidates!.FindAsync();
        (await Db.SortedSetScoreAsync(_keys.LeaseExpiries, "deleted")).Should().BeGreaterThan(0, "the scan put the held lease's expiry in");

        await leases.DeleteAsync("deleted");
        (await leases.HandOverAsync("handed", _node!.Id)).Should().BeTrue();
        var round = await _candidates.FindAsync();

        round.Orphans.Should().Equal("deleted");
        round.Handed.Select(h => h.Id).Should().Equal("handed");
        (await leases.ClaimAsync("handed", round.Handed[0].Token)).Should().Be(ClaimOutcome.Claimed);
    }

    [Fact]
    public async Task ConnectionsListedOnlyByNodesOfAnEarlierVersionAreIndexedAtStart()
    {
        foreach (var id in new[] { "old-1", "old-2" })
        {
            await Db.HashSetAsync(_keys.Connection(id), "server", "127.0.0.1:6667");
            await Db.SetAddAsync(_keys.Connections, id);
        }
        (await _candidates!.FindAsync()).Orphans.Should().BeEmpty();

        await _candidates.IndexListedAsync(Token);

        (await _candidates.FindAsync()).Orphans.Should().BeEquivalentTo("old-1", "old-2");
    }

    [Fact]
    public async Task AHandoverMessageFromAnEarlierNodeMakesTheConnectionDue()
    {
        await RecordAsync("handed", lease: _node!.Id + ConnectionLeases.HandoverMark + "g");
        await _candidates!.FindAsync();
        // As an earlier node's handover leaves it: a score far in the future, no index update.
        await Db.SortedSetAddAsync(_keys.LeaseExpiries, "handed", double.MaxValue);
        (await _candidates.FindAsync()).Handed.Should().BeEmpty();

        await _candidates.LookNowAsync("handed");

        (await _candidates.FindAsync()).Handed.Select(h => h.Id).Should().Equal("handed");
    }

    /// <summary>A connection recorded as <see cref="RedisConnectionDirectory.RegisterAsync"/> records it: record, list, index (due at once).</summary>
    private async Task RecordAsync(string id, string? lease = null)
    {
        if (lease is not null) await Db.StringSetAsync(_keys.Lease(id), lease, Held);
        await Db.HashSetAsync(_keys.Connection(id), "server", "127.0.0.1:6667");
        await Db.SetAddAsync(_keys.Connections, id);
        await Db.SortedSetAddAsync(_keys.LeaseExpiries, id, 0);
    }

    /// <summary>When the key expires, by Redis's clock (unix ms): its time and the key's PTTL read in one script.</summary>
    private async Task<long> ExpiryMsAsync(RedisKey key) =>
        (long)await Db.ScriptEvaluateAsync("""
            local t = redis.call('TIME')
            return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + redis.call('PTTL', KEYS[1])
            """, [key]);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

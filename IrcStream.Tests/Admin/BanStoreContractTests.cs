using IrcStream.Api.Admin;
using IrcStream.Api.Cluster;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace IrcStream.Tests.Admin;

/// <summary>What every ban store does, whether it keeps bans in memory or in Redis.</summary>
public abstract class BanStoreContractTests
{
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    internal abstract IBanStore Store { get; }

    private Ban BanFor(string id, string address, TimeSpan lasting) => new(id, address, "abuse", Time.GetUtcNow(), Time.GetUtcNow() + lasting, "alice");

    [Fact]
    public async Task BansAreListedOldestFirstUntilTheyEnd()
    {
        await Store.AddAsync(BanFor("a", "198.51.100.7/32", TimeSpan.FromMinutes(10)), Token);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddAsync(BanFor("b", "2001:db8::/48", TimeSpan.FromMinutes(60)), Token);
        (await Store.ListAsync(Token)).Select(b => b.Id).Should().Equal("a", "b");
        (await Store.ListAsync(Token))[1].Should().Be(BanFor("b", "2001:db8::/48", TimeSpan.FromMinutes(60)) with { Created = Time.GetUtcNow(), Ends = Time.GetUtcNow() + TimeSpan.FromMinutes(60) });

        Time.Advance(TimeSpan.FromMinutes(10));
        (await Store.ListAsync(Token)).Select(b => b.Id).Should().Equal("b");
        (await Store.RemoveAsync("a", Token)).Should().BeFalse("an ended ban cannot be lifted");
    }

    [Fact]
    public async Task ALiftedBanIsGone()
    {
        await Store.AddAsync(BanFor("a", "198.51.100.0/24", TimeSpan.FromMinutes(10)), Token);
        (await Store.RemoveAsync("a", Token)).Should().BeTrue();
        (await Store.RemoveAsync("a", Token)).Should().BeFalse();
        (await Store.RemoveAsync("never", Token)).Should().BeFalse();
        (await Store.ListAsync(Token)).Should().BeEmpty();
    }
}

public sealed class MemoryBanStoreTests : BanStoreContractTests
{
    private readonly MemoryBanStore _store;

    public MemoryBanStoreTests() => _store = new MemoryBanStore(Time);

    internal override IBanStore Store => _store;
}

[Collection("Redis")]
public sealed class RedisBanStoreTests : BanStoreContractTests, IAsyncLifetime
{
    private readonly RedisFixture _redis;
    private ConnectionMultiplexer? _multiplexer;
    private RedisBanStore? _store;

    public RedisBanStoreTests(RedisFixture redis) => _redis = redis;

    private readonly RedisKeys _keys = new(RedisFixture.UniquePrefix("bans"));
    private RedisGeneration? _generation;

    internal override IBanStore Store => _store!;

    private IDatabase Db => _multiplexer!.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Server.Configuration);
        _generation = new RedisGeneration(_multiplexer, _keys);
        _store = new RedisBanStore(_multiplexer, _keys, _generation, Time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null) await _multiplexer.DisposeAsync();
    }

    private Ban BanLasting(string id, TimeSpan lasting) => new(id, "198.51.100.0/24", "abuse", Time.GetUtcNow(), Time.GetUtcNow() + lasting, "alice");

    [Fact]
    public async Task AfterRedisLostItsDataTheNodePutsBackTheBansInForceItRemembersButNotThoseEndedOrLiftedOnAnyNode()
    {
        (await _generation!.LostAsync()).Should().BeFalse("the node's first look");
        var otherNode = new RedisBanStore(_multiplexer!, _keys, new RedisGeneration(_multiplexer!, _keys), Time);
        await _store!.AddAsync(BanLasting("ends", TimeSpan.FromMinutes(10)), Token);
        await _store.AddAsync(BanLasting("lifted-here", TimeSpan.FromMinutes(60)), Token);
        await _store.AddAsync(BanLasting("lifted-there", TimeSpan.FromMinutes(60)), Token);
        await otherNode.AddAsync(BanLasting("made-there", TimeSpan.FromMinutes(60)), Token);
        await _store.AddAsync(BanLasting("stays", TimeSpan.FromMinutes(60)), Token);
        (await _store.RemoveAsync("lifted-here", Token)).Should().BeTrue();
        (await otherNode.RemoveAsync("lifted-there", Token)).Should().BeTrue();
        // This node learns of what other nodes did from its next read (a request's, or the heartbeat's).
        (await _store.ListAsync(Token)).Select(b => b.Id).Should().BeEquivalentTo("made-there", "stays", "ends");

        await Db.KeyDeleteAsync([_keys.Bans, _keys.Generation]);
        Time.Advance(TimeSpan.FromMinutes(11));
        (await _store.ListAsync(Token)).Select(b => b.Id).Should().BeEquivalentTo(["made-there", "stays"],
            "until the list is back, the bans this node remembers still hold: an empty list from a Redis that lost its data is not a list of lifted bans");
        (await _generation.LostAsync()).Should().BeTrue();

        (await _store.RestoreAsync()).Should().Be(2);
        (await Db.HashKeysAsync(_keys.Bans)).Select(k => (string)k!).Should().BeEquivalentTo(["made-there", "stays"]);
        (await _store.RestoreAsync()).Should().Be(0, "a ban there is never written twice");
    }

    [Fact]
    public async Task ABanLiftedHereThatAnOlderCopyOfRedisHoldsAgainIsLiftedAgain()
    {
        await _generation!.LostAsync();
        var ban = BanLasting("lifted", TimeSpan.FromMinutes(60));
        await _store!.AddAsync(ban, Token);
        var json = await Db.HashGetAsync(_keys.Bans, "lifted");
        (await _store.RemoveAsync("lifted", Token)).Should().BeTrue();
        // Redis restarted from a snapshot taken before the lift.
        await Db.HashSetAsync(_keys.Bans, "lifted", json);

        (await _store.RestoreAsync()).Should().Be(0);
        (await Db.HashExistsAsync(_keys.Bans, "lifted")).Should().BeFalse();
    }
}

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

    internal override IBanStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Server.Configuration);
        _store = new RedisBanStore(_multiplexer, new RedisKeys(RedisFixture.UniquePrefix("bans")), Time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null) await _multiplexer.DisposeAsync();
    }
}

using IrcStream.Api.Guard;

namespace IrcStream.Tests.Guard;

/// <summary>
/// What every guard store does, for a gateway of one node or several: <see cref="CreateNodesAsync"/> gives two stores
/// as two nodes would have them (the memory store's "two nodes" are one store, since one process is one node).
/// </summary>
public abstract class GuardStoreContract
{
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected abstract Task<(IGuardStore A, IGuardStore B)> CreateNodesAsync();

    [Fact]
    public async Task EveryNodeSignsWithTheSameKey()
    {
        var (a, b) = await CreateNodesAsync();
        var key = await a.ChallengeKeyAsync(Token);
        key.Should().HaveCount(32);
        (await b.ChallengeKeyAsync(Token)).Should().Equal(key);
        (await a.ChallengeKeyAsync(Token)).Should().Equal(key);
    }

    [Fact]
    public async Task AChallengeIsUsedOnceWhicheverNodeSeesIt()
    {
        var (a, b) = await CreateNodesAsync();
        var expires = DateTimeOffset.UtcNow.AddMinutes(2);
        var id = Guid.NewGuid().ToString("N");
        (await a.TryUseAsync(id, expires, Token)).Should().BeTrue();
        (await b.TryUseAsync(id, expires, Token)).Should().BeFalse("another node already used it");
        (await a.TryUseAsync(id, expires, Token)).Should().BeFalse();
        (await b.TryUseAsync(Guid.NewGuid().ToString("N"), expires, Token)).Should().BeTrue();
    }

    [Fact]
    public async Task ConnectionsAreCountedPerAddressAndHourAcrossNodes()
    {
        var (a, b) = await CreateNodesAsync();
        var now = DateTimeOffset.UtcNow;
        var address = "198.51.100." + Random.Shared.Next(1, 250);
        (await a.CountConnectionAsync(address, now, Token)).Should().Be(1);
        (await b.CountConnectionAsync(address, now, Token)).Should().Be(2);
        (await a.CountConnectionAsync("203.0.113.1", now, Token)).Should().Be(1, "another address counts apart");
        (await b.CountConnectionAsync(address, now.AddHours(1), Token)).Should().Be(1, "a new hour starts again");
    }
}

public sealed class MemoryGuardStoreTests : GuardStoreContract
{
    private protected override Task<(IGuardStore A, IGuardStore B)> CreateNodesAsync()
    {
        var store = new MemoryGuardStore(TimeProvider.System);
        return Task.FromResult<(IGuardStore, IGuardStore)>((store, store));
    }
}

using IrcStream.Api.Sessions;

namespace IrcStream.Tests.Sessions;

/// <summary>
/// What every session store does, whichever it is: each implementation's test class derives from this one, so the
/// in-memory store and the Redis store pass the same tests.
/// </summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    protected const int MaxSessions = 3;
    protected const int MaxPerAddress = 2;

    /// <summary>The stores' idle timeout; a store that cannot fake its clock uses a short one.</summary>
    protected virtual TimeSpan IdleTimeout => TimeSpan.FromMinutes(10);

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected ISessionStore Store { get; private set; } = null!;

    /// <summary>A fresh, empty store with <see cref="MaxSessions"/>, <see cref="MaxPerAddress"/> and <see cref="IdleTimeout"/>.</summary>
    private protected abstract Task<ISessionStore> CreateStoreAsync();

    /// <summary>Lets the session named by <paramref name="cookie"/> sit idle past <see cref="IdleTimeout"/>, however the store measures it.</summary>
    protected abstract Task PassIdleTimeoutAsync(string cookie);

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private protected async Task<(IBrowserSession Session, string Cookie)> NewSessionAsync(string address = "192.0.2.1")
    {
        var created = await Store.ResolveAsync(null, address, mayCreate: true, Token);
        created.Succeeded.Should().BeTrue($"a new session for {address} was refused ({created.Refusal})");
        created.NewCookie.Should().NotBeNullOrEmpty();
        return (created.Session!, created.NewCookie!);
    }

    [Fact]
    public async Task TheCookieOfANewSessionFindsItAgain()
    {
        var (session, cookie) = await NewSessionAsync();
        await session.TryAddAsync("c1", 5, Token);

        var found = await Store.ResolveAsync(cookie, "192.0.2.99", mayCreate: true, Token);
        found.Succeeded.Should().BeTrue();
        found.NewCookie.Should().BeNull("the session exists, so no new cookie is set");
        found.Session!.Tag.Should().Be(session.Tag);
        (await found.Session.ConnectionIdsAsync(Token)).Should().Equal("c1");
    }

    [Fact]
    public async Task AnUnknownCookieGetsANewSessionOrNoneWhenCreatingIsNotAllowed()
    {
        var (_, cookie) = await NewSessionAsync();
        var other = new string('A', cookie.Length);

        var refused = await Store.ResolveAsync(other, "192.0.2.1", mayCreate: false, Token);
        refused.Succeeded.Should().BeFalse();
        refused.Refusal.Should().Be(SessionRefusal.NotFound);

        var fresh = await Store.ResolveAsync(other, "192.0.2.1", mayCreate: true, Token);
        fresh.NewCookie.Should().NotBeNull().And.NotBe(other, "the gateway never adopts a cookie value it did not give out");
    }

    [Fact]
    public async Task ASessionHoldsItsConnectionsInOrderUpToTheMaximum()
    {
        var (session, _) = await NewSessionAsync();
        (await session.TryAddAsync("c1", 2, Token)).Should().Be(SessionAddOutcome.Added);
        (await session.TryAddAsync("c2", 2, Token)).Should().Be(SessionAddOutcome.Added);
        (await session.TryAddAsync("c3", 2, Token)).Should().Be(SessionAddOutcome.Full);

        (await session.ConnectionIdsAsync(Token)).Should().Equal("c1", "c2");
        (await session.HoldsAsync("c2", Token)).Should().BeTrue();
        (await session.HoldsAsync("c3", Token)).Should().BeFalse();

        (await session.RemoveAsync("c1", Token)).Should().BeTrue();
        (await session.RemoveAsync("c1", Token)).Should().BeFalse("it was already removed");
        (await session.HoldsAsync("c1", Token)).Should().BeFalse();
        (await session.TryAddAsync("c3", 2, Token)).Should().Be(SessionAddOutcome.Added);
        (await session.ConnectionIdsAsync(Token)).Should().Equal("c2", "c3");
    }

    [Fact]
    public async Task TwoSessionsDoNotSeeEachOthersConnections()
    {
        var (alice, _) = await NewSessionAsync();
        var (bob, _) = await NewSessionAsync("192.0.2.2");
        await alice.TryAddAsync("a1", 5, Token);
        (await bob.HoldsAsync("a1", Token)).Should().BeFalse();
        (await bob.RemoveAsync("a1", Token)).Should().BeFalse();
        (await alice.HoldsAsync("a1", Token)).Should().BeTrue();
    }

    [Fact]
    public async Task TheAddressCapIsJudgedBeforeTheGatewayCap()
    {
        await NewSessionAsync("192.0.2.1");
        await NewSessionAsync("192.0.2.1");
        (await Store.ResolveAsync(null, "192.0.2.1", mayCreate: true, Token)).Refusal.Should().Be(SessionRefusal.AddressFull);

        await NewSessionAsync("192.0.2.2");
        (await Store.ResolveAsync(null, "192.0.2.3", mayCreate: true, Token)).Refusal.Should().Be(SessionRefusal.GatewayFull);
        (await Store.ResolveAsync(null, "192.0.2.1", mayCreate: true, Token)).Refusal.Should().Be(SessionRefusal.AddressFull);
    }

    [Fact]
    public async Task AnIdleSessionExpiresAndGivesItsSlotBack()
    {
        var (first, cookie) = await NewSessionAsync("192.0.2.1");
        await first.TryAddAsync("c1", 5, Token);
        await NewSessionAsync("192.0.2.1");

        await PassIdleTimeoutAsync(cookie);

        (await Store.ResolveAsync(cookie, "192.0.2.1", mayCreate: false, Token)).Refusal.Should().Be(SessionRefusal.NotFound);
        (await first.TryAddAsync("c2", 5, Token)).Should().Be(SessionAddOutcome.Ended, "an expired session takes no connection");
        var again = await Store.ResolveAsync(null, "192.0.2.1", mayCreate: true, Token);
        again.Succeeded.Should().BeTrue("the expired session's slot for the address is free again");
    }

    [Fact]
    public async Task ActivityKeepsASessionAliveWhileItLasts()
    {
        var (session, cookie) = await NewSessionAsync();
        using (session.BeginActivity())
        {
            await PassIdleTimeoutAsync(cookie);
            (await Store.ResolveAsync(cookie, "192.0.2.1", mayCreate: false, Token)).Succeeded.Should().BeTrue("an open stream keeps its session");
        }
    }
}

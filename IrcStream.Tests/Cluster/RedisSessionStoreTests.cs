using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Sessions;
using IrcStream.Tests.Sessions;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>The session store contract against a real redis-server; Redis keeps its own clock, so the idle timeout is short and real.</summary>
[Collection("Redis")]
public sealed class RedisSessionStoreTests(RedisFixture fixture) : SessionStoreContract
{
    private ConnectionMultiplexer? _redis;
    private SessionKeepAlive? _keepAlive;
    private RedisKeys? _keys;

    // Long enough that a test thread held up for a second on a loaded machine does not miss a renewal (every third of it).
    protected override TimeSpan IdleTimeout => TimeSpan.FromSeconds(3);

    private protected override async Task<ISessionStore> CreateStoreAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        _keys = new RedisKeys(RedisFixture.UniquePrefix("sessions"));
        var options = Options.Create(new IrcStreamOptions { MaxSessions = MaxSessions, MaxSessionsPerAddress = MaxPerAddress, SessionIdleTimeout = IdleTimeout });
        _keepAlive = new SessionKeepAlive(_redis, _keys, options, TimeProvider.System);
        return new RedisSessionStore(_redis, _keys, options, _keepAlive, NullLogger<RedisSessionStore>.Instance);
    }

    /// <summary>Lets the idle timeout pass in real time while the node renews what is in use, as its heartbeat does.</summary>
    protected override async Task PassIdleTimeoutAsync(string cookie)
    {
        var until = DateTime.UtcNow + IdleTimeout + TimeSpan.FromMilliseconds(300);
        while (DateTime.UtcNow < until)
        {
            await _keepAlive!.RenewAsync();
            await Task.Delay(_keepAlive.RenewInterval / 4, Token);
        }
    }

    [Fact]
    public async Task TheCookieIsNotStoredOnlyItsHash()
    {
        var (_, cookie) = await NewSessionAsync();
        var server = _redis!.GetServer(_redis.GetEndPoints()[0]);
        var stored = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: _keys!.Prefix + ":*"))
        {
            stored.Add(key!);
            if (await _redis.GetDatabase().KeyTypeAsync(key) == RedisType.Hash)
                stored.AddRange((await _redis.GetDatabase().HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"));
        }
        stored.Should().NotBeEmpty().And.NotContain(s => s.Contains(cookie, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoNodesCountTheSameSessions()
    {
        var other = new RedisSessionStore(_redis!, _keys!, Options.Create(new IrcStreamOptions { MaxSessions = MaxSessions, MaxSessionsPerAddress = MaxPerAddress, SessionIdleTimeout = IdleTimeout }),
            new SessionKeepAlive(_redis!, _keys!, Options.Create(new IrcStreamOptions { SessionIdleTimeout = IdleTimeout }), TimeProvider.System), NullLogger<RedisSessionStore>.Instance);
        var (session, cookie) = await NewSessionAsync("192.0.2.1");
        await NewSessionAsync("192.0.2.1");
        (await other.ResolveAsync(null, "192.0.2.1", mayCreate: true, Token)).Refusal.Should().Be(SessionRefusal.AddressFull);
        (await other.ResolveAsync(null, "192.0.2.5", mayCreate: true, Token)).Succeeded.Should().BeTrue();
        (await other.ResolveAsync(null, "192.0.2.6", mayCreate: true, Token)).Refusal.Should().Be(SessionRefusal.GatewayFull);

        var there = await other.ResolveAsync(cookie, "192.0.2.1", mayCreate: false, Token);
        await there.Session!.TryAddAsync("c1", 5, Token);
        var here = await Store.ResolveAsync(cookie, "192.0.2.1", mayCreate: false, Token);
        (await here.Session!.ConnectionIdsAsync(Token)).Should().Equal("c1");
        session.Tag.Should().Be(there.Session.Tag);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

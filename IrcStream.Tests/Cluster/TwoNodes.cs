using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>A redis-server and two gateway processes sharing it, with one browser's cookie jar used on both.</summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TwoNodes(RedisServer redis, string prefix, GatewayProcess a, GatewayProcess b, TcpRelay? relay = null)
    {
        Relay = relay;
        Redis = redis;
        Prefix = prefix;
        A = a;
        B = b;
        OnA = new Browser(a.BaseAddress);
        OnB = new Browser(b.BaseAddress, OnA.Cookies);
    }

    public RedisServer Redis { get; }

    /// <summary>What node A reaches Redis through, when it was started behind one: cut it to cut A alone off from Redis.</summary>
    public TcpRelay? Relay { get; }

    /// <summary>The key prefix both nodes use.</summary>
    public string Prefix { get; }
    public GatewayProcess A { get; }
    public GatewayProcess B { get; }
    public Browser OnA { get; }
    public Browser OnB { get; }

    /// <param name="relayForA">Node A reaches Redis through a <see cref="TcpRelay"/> the test can cut (<see cref="Relay"/>).</param>
    public static async Task<TwoNodes> StartAsync(string name, int ircPort, string idleTimeout = "00:10:00", string? leaseTimeout = null,
        IReadOnlyDictionary<string, string>? settings = null, bool relayForA = false)
    {
        var redis = await RedisServer.StartAsync(Token);
        var relay = relayForA ? new TcpRelay(redis.Port) : null;
        GatewayProcess? a = null;
        try
        {
            var prefix = RedisFixture.UniquePrefix(name);
            a = await StartNodeAsync(relay is null ? redis.Configuration : $"127.0.0.1:{relay.Port}", prefix, ircPort, idleTimeout, leaseTimeout, settings);
            var b = await StartNodeAsync(redis.Configuration, prefix, ircPort, idleTimeout, leaseTimeout, settings);
            return new TwoNodes(redis, prefix, a, b, relay);
        }
        catch
        {
            // A node that did not start leaves nothing running behind the failed test.
            if (a is not null) await a.DisposeAsync();
            if (relay is not null) await relay.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        OnB.Dispose();
        OnA.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
        if (Relay is not null) await Relay.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static Task<GatewayProcess> StartNodeAsync(string redis, string prefix, int ircPort, string idleTimeout, string? leaseTimeout,
        IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{ircPort}",
            ["IrcStream__Redis__Configuration"] = redis,
            ["IrcStream__Redis__KeyPrefix"] = prefix,
            ["IrcStream__SessionIdleTimeout"] = idleTimeout,
            // Streams say they are alive every second, so a test reading one for a few seconds sees items.
            ["IrcStream__KeepAliveInterval"] = "00:00:01",
        };
        // A short lease (the shortest allowed is 3 s) makes takeover tests quick.
        if (leaseTimeout is not null) environment["IrcStream__Redis__LeaseTimeout"] = leaseTimeout;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        return GatewayProcess.StartAsync(environment, Token);
    }
}

using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>A redis-server and two gateway processes sharing it, with one browser's cookie jar used on both.</summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TwoNodes(RedisServer redis, string prefix, GatewayProcess a, GatewayProcess b)
    {
        Redis = redis;
        Prefix = prefix;
        A = a;
        B = b;
        OnA = new Browser(a.BaseAddress);
        OnB = new Browser(b.BaseAddress, OnA.Cookies);
    }

    public RedisServer Redis { get; }

    /// <summary>The key prefix both nodes use.</summary>
    public string Prefix { get; }
    public GatewayProcess A { get; }
    public GatewayProcess B { get; }
    public Browser OnA { get; }
    public Browser OnB { get; }

    public static async Task<TwoNodes> StartAsync(string name, int ircPort, string idleTimeout = "00:10:00", string? leaseTimeout = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var redis = await RedisServer.StartAsync(Token);
        GatewayProcess? a = null;
        try
        {
            var prefix = RedisFixture.UniquePrefix(name);
            a = await StartNodeAsync(redis, prefix, ircPort, idleTimeout, leaseTimeout, settings);
            var b = await StartNodeAsync(redis, prefix, ircPort, idleTimeout, leaseTimeout, settings);
            return new TwoNodes(redis, prefix, a, b);
        }
        catch
        {
            // A node that did not start leaves nothing running behind the failed test.
            if (a is not null) await a.DisposeAsync();
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
        await Redis.DisposeAsync();
    }

    private static Task<GatewayProcess> StartNodeAsync(RedisServer redis, string prefix, int ircPort, string idleTimeout, string? leaseTimeout,
        IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{ircPort}",
            ["IrcStream__Redis__Configuration"] = redis.Configuration,
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

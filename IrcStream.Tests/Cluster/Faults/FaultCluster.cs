using System.Globalization;
using IrcStream.Tests.Cluster.Chaos;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster.Faults;

/// <summary>Two real gateway processes sharing one Redis (a single server, or a primary found through Sentinel), and the load balancer in front of them.</summary>
internal sealed class FaultCluster : ILoadBalancer, IAsyncDisposable
{
    private FaultCluster(IReadOnlyList<ChaosNode> nodes) => Nodes = nodes;

    public IReadOnlyList<ChaosNode> Nodes { get; }

    public static async Task<FaultCluster> StartAsync(string redisConfiguration, int ircPort, TimeSpan leaseTimeout, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{ircPort}",
            ["IrcStream__Redis__Configuration"] = redisConfiguration,
            ["IrcStream__Redis__KeyPrefix"] = RedisFixture.UniquePrefix("faults"),
            ["IrcStream__Redis__LeaseTimeout"] = leaseTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["IrcStream__KeepAliveInterval"] = "00:00:01",
            ["IrcStream__ReconnectDelay"] = "00:00:01",
            ["IrcStream__MaxSessionsPerAddress"] = "1000",
            ["IrcStream__ConnectionRateLimit__PermitLimit"] = "100000",
            ["IrcStream__SessionIdleTimeout"] = "00:10:00",
        };
        var cluster = new FaultCluster([new ChaosNode(0, environment), new ChaosNode(1, environment)]);
        try
        {
            foreach (var node in cluster.Nodes) await node.StartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Uri? Pick(Uri? avoid = null)
    {
        var live = Nodes.Select(n => n.Address).OfType<Uri>().ToArray();
        if (live.Length == 0) return null;
        var others = live.Where(a => a != avoid).ToArray();
        var from = others.Length > 0 ? others : live;
        return from[Random.Shared.Next(from.Length)];
    }

    public string Output() => string.Join(Environment.NewLine, Nodes.Select(n => n.Output()));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
    }
}

using System.Diagnostics;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster.Chaos;

/// <summary>The load balancer in front of gateway nodes that come and go: a live node for each new request.</summary>
internal interface ILoadBalancer
{
    /// <summary>A live node at random, another than <paramref name="avoid"/> when there is one; null when none is live.</summary>
    Uri? Pick(Uri? avoid = null);
}

/// <summary>
/// A real redis-server and several real gateway processes sharing it, each of which can be killed (SIGKILL),
/// stopped (SIGTERM) and started again; and the load balancer in front of them: <see cref="Pick"/> chooses a live node.
/// </summary>
internal sealed class ChaosCluster : ILoadBalancer, IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private ChaosCluster(RedisServer? redis, Dictionary<string, string> environment, int nodes)
    {
        Redis = redis;
        _environment = environment;
        Nodes = [.. Enumerable.Range(0, nodes).Select(i => new ChaosNode(i, environment))];
    }

    /// <summary>The redis-server the cluster started for itself; null when it was given a Redis to use.</summary>
    public RedisServer? Redis { get; }

    public IReadOnlyList<ChaosNode> Nodes { get; }

    /// <summary>The lease timeout the nodes run with (the shortest the gateway accepts, so a takeover comes quickly).</summary>
    public static TimeSpan LeaseTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <param name="redisConfiguration">A Redis of the test's own (a persistent server, Sentinels); else the cluster starts a redis-server.</param>
    public static async Task<ChaosCluster> StartAsync(int nodes, int ircPort, CancellationToken cancellationToken, string? redisConfiguration = null)
    {
        var redis = redisConfiguration is null ? await RedisServer.StartAsync(cancellationToken) : null;
        var environment = new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{ircPort}",
            ["IrcStream__Redis__Configuration"] = redisConfiguration ?? redis!.Configuration,
            ["IrcStream__Redis__KeyPrefix"] = RedisFixture.UniquePrefix("chaos"),
            ["IrcStream__Redis__LeaseTimeout"] = LeaseTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["IrcStream__KeepAliveInterval"] = "00:00:01",
            ["IrcStream__ReconnectDelay"] = "00:00:01",
            ["IrcStream__EventBufferSize"] = "100000",
            ["IrcStream__EventBufferBytes"] = "67108864",
            ["IrcStream__MaxSessionsPerAddress"] = "1000",
            ["IrcStream__ConnectionRateLimit__PermitLimit"] = "100000",
            ["IrcStream__SessionIdleTimeout"] = "00:10:00",
        };
        var cluster = new ChaosCluster(redis, environment, nodes);
        try
        {
            // One at a time: on a shared 2-core machine three cold starts at once take longer than three in a row.
            foreach (var node in cluster.Nodes) await node.StartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The load balancer's choice: a live node at random, another than <paramref name="avoid"/> when there is one.</summary>
    public Uri? Pick(Uri? avoid = null)
    {
        var live = Nodes.Select(n => n.Address).OfType<Uri>().ToArray();
        if (live.Length == 0) return null;
        var others = live.Where(a => a != avoid).ToArray();
        var from = others.Length > 0 ? others : live;
        return from[Random.Shared.Next(from.Length)];
    }

    /// <summary>What every node printed, for a failure message.</summary>
    public string Output() => string.Join(Environment.NewLine, Nodes.Select(n => n.Output()));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
    }
}

/// <summary>One gateway node of a <see cref="ChaosCluster"/>: a process that comes and goes, keeping what it printed across lives.</summary>
internal sealed class ChaosNode(int index, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(40);
    private readonly List<string> _pastOutput = [];
    private GatewayProcess? _process;
    private volatile Uri? _address;

    public int Index { get; } = index;

    /// <summary>Where the load balancer sends requests; null while the node is down or going down.</summary>
    public Uri? Address => _address;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _process = await GatewayProcess.StartAsync(environment, cancellationToken);
        _address = _process.BaseAddress;
    }

    /// <summary>SIGKILL: the node is gone at once. Returns when the process has exited, with how long that took.</summary>
    public async Task<TimeSpan> CrashAsync(CancellationToken cancellationToken)
    {
        var process = Take();
        var clock = Stopwatch.StartNew();
        await process.KillAsync().WaitAsync(StopPatience, cancellationToken);
        Keep(process, "killed (SIGKILL)");
        await process.DisposeAsync();
        return clock.Elapsed;
    }

    /// <summary>SIGTERM: the node stops as an orchestrator asks it to. Returns when the process has exited, with how long it took.</summary>
    public async Task<TimeSpan> TerminateAsync(CancellationToken cancellationToken)
    {
        var process = Take();
        var clock = Stopwatch.StartNew();
        process.Terminate();
        await process.WaitForExitAsync(StopPatience, cancellationToken);
        Keep(process, $"stopped (SIGTERM) in {clock.Elapsed.TotalSeconds:0.0} s");
        await process.DisposeAsync();
        return clock.Elapsed;
    }

    public string Output()
    {
        lock (_pastOutput) return $"--- node {Index} ---{Environment.NewLine}{string.Join(Environment.NewLine, _pastOutput)}{Environment.NewLine}{_process?.Output}";
    }

    public async ValueTask DisposeAsync()
    {
        _address = null;
        if (_process is not null) await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Takes the node out of the load balancer first, as its failing health check would.</summary>
    private GatewayProcess Take()
    {
        _address = null;
        return _process ?? throw new InvalidOperationException($"Node {Index} is not running.");
    }

    private void Keep(GatewayProcess process, string how)
    {
        _process = null;
        lock (_pastOutput) _pastOutput.Add($"{process.Output}[node {Index}: {how}]");
    }
}

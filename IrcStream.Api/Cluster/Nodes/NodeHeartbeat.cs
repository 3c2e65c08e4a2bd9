using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The node's periodic Redis work, on one timer: announcing where the node can be reached, renewing the leases and
/// records of the connections it owns (closing those whose session expired), and renewing the sessions in use here.
/// </summary>
internal sealed class NodeHeartbeat(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    RedisConnectionDirectory connections,
    RedisRebuild rebuild,
    SessionKeepAlive sessions,
    RedisReach reach,
    RedisAddressLimits addressLimits,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ClusterMetrics metrics,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    /// <summary>The longest time between two beats, whatever the idle timeout: well inside a lease's duration.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a node's address stays announced without a beat.</summary>
    public static readonly TimeSpan NodeExpiry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = sessions.RenewInterval < MaxInterval ? sessions.RenewInterval : MaxInterval;
        // The first beat announces the node's address, which is known once the server listens.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var sent = reach.Sending();
            try
            {
                await AnnounceAndRenewLeasesAsync().ConfigureAwait(false);
                // The node reaches Redis: what it must write to keep its connections got there. A session or address
                // renewal failing after it (a replica that drops its clients while a failover settles) is no outage of
                // this node's; counting it as one let a node that had just taken its leases back think it was cut off.
                reach.Answered(sent);
                await sessions.RenewAsync().ConfigureAwait(false);
                await addressLimits.RenewAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                reach.Failed();
                logger.LogWarning(ex, "The node's heartbeat could not reach Redis; trying again in {Interval}", interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task AnnounceAndRenewLeasesAsync()
    {
        // A stopping node no longer offers itself: nothing is handed to it, and it counts for no share of takeovers.
        if (node.Url is { } url && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var db = redis.GetDatabase();
            await Task.WhenAll(db.StringSetAsync(keys.Node(node.Id), url, NodeExpiry), db.SetAddAsync(keys.Nodes, node.Id)).ConfigureAwait(false);
        }
        // Before renewing: a Redis that lost its data gets the leases and records back first, so no renewal lets a socket go.
        await rebuild.CheckAsync().ConfigureAwait(false);
        metrics.LeaseRenewalsFailed(await connections.RenewAsync().ConfigureAwait(false));
    }
}

using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The node's periodic Redis work, on one timer: renewing the sessions in use here and counting live sessions.
/// </summary>
internal sealed class NodeHeartbeat(SessionKeepAlive sessions, TimeProvider time, ILogger<NodeHeartbeat> logger) : BackgroundService
{
    /// <summary>The longest time between two beats, whatever the idle timeout.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = sessions.RenewInterval < MaxInterval ? sessions.RenewInterval : MaxInterval;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await sessions.RenewAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
            {
                logger.LogWarning(ex, "Renewing sessions in Redis failed; trying again in {Interval}", interval);
            }
        }
    }
}

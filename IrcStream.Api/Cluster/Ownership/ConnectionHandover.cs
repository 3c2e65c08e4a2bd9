using IrcStream.Api.Connections;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// On a graceful stop (SIGTERM) in Redis mode, gives each IRC connection to a live node, round robin, instead of
/// sending QUIT: the socket is closed without QUIT (so the user's nick is free on the server at once), the user's lines
/// still queued for it are reported in the log as not sent, the log is copied to Redis up to its last event, and the
/// lease is handed to the chosen node by name (at once, not after the lease timeout) with a message that wakes
/// that node's <see cref="ConnectionTakeover"/>, which connects again, registers and rejoins. With no other live node,
/// nothing is handed over and the connections are closed as before (QUIT, CLOSED).
/// </summary>
/// <remarks>
/// Everything a stopping node holds is copied before it gives a lease up, within the host's shutdown timeout
/// (<see cref="HostOptions.ShutdownTimeout"/>, less <see cref="StopMargin"/>): while Redis is slow or away it waits for
/// Redis (asking again which nodes are alive, appending again), and its heartbeat keeps renewing the leases it is
/// handing over (<see cref="RedisConnectionDirectory.Leaving"/>). Only what is still not in Redis when that time is up
/// is lost with the node, and the next owner's RECONNECTING says from which event on.
/// </remarks>
internal sealed class ConnectionHandover(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    RedisEventLogs eventLogs,
    LiveNodes liveNodes,
    PendingLines pending,
    IOptions<HostOptions> host,
    TimeProvider time,
    ClusterMetrics metrics,
    ILogger<ConnectionHandover> logger)
{
    /// <summary>What of the host's shutdown timeout a handover leaves to the rest of the stop: the streams' end, the other services.</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(2);

    /// <summary>The least a handover is given, whatever the shutdown timeout: the time a stop always had to copy its logs.</summary>
    private static readonly TimeSpan MinBudget = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan AskAgain = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stopping node may take to hand its connections over: the host's shutdown timeout less <see cref="StopMargin"/>.</summary>
    private static TimeSpan Budget(HostOptions host) => host.ShutdownTimeout - StopMargin > MinBudget ? host.ShutdownTimeout - StopMargin : MinBudget;

    /// <summary>Hands what it can to other nodes; returns the connections it could not hand over, which the caller closes with QUIT.</summary>
    public async Task<IReadOnlyList<IIrcConnection>> HandOverAsync(IReadOnlyList<IIrcConnection> connections)
    {
        if (connections.Count == 0) return connections;
        var deadline = time.GetTimestamp() + (long)(Budget(host.Value).TotalSeconds * time.TimestampFrequency);
        var targets = await OtherLiveNodesAsync(deadline).ConfigureAwait(false);
        if (targets.Length == 0)
        {
            ClusterLogMessages.NoNodeToHandTo(logger, node.Id, connections.Count);
            metrics.HandedOver(handed: false, connections.Count);
            return connections;
        }
        foreach (var connection in connections) directory.Leaving(connection.Options.ConnectionId);
        var handed = await Task.WhenAll(connections.Select((connection, i) => HandOverAsync(connection, targets[i % targets.Length], deadline))).ConfigureAwait(false);
        metrics.HandedOver(handed: true, handed.Count(h => h));
        return [];
    }

    /// <summary>
    /// The live nodes other than this one, asked again while Redis does not answer, until <paramref name="deadline"/>:
    /// a Redis that is slow or away as the node stops is no reason to close every connection for good.
    /// </summary>
    private async Task<string[]> OtherLiveNodesAsync(long deadline)
    {
        for (var asked = 1; ; asked++)
        {
            try
            {
                return [.. (await liveNodes.ListAsync().ConfigureAwait(false)).Where(n => n != node.Id)];
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (time.GetTimestamp() >= deadline)
                {
                    logger.LogWarning(ex, "Redis did not answer which nodes are alive before the shutdown timeout: the connections are closed instead of handed over");
                    return [];
                }
                if (asked == 1) logger.LogInformation("Redis did not answer which nodes are alive ({Error}); asking again until it does, before handing the connections over", ex.Message);
                await Task.Delay(AskAgain, time).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> HandOverAsync(IIrcConnection connection, string target, long deadline)
    {
        var id = connection.Options.ConnectionId;
        try
        {
            var unsent = await connection.LetGoAsync().ConfigureAwait(false);
            var log = eventLogs.Find(id);
            if (unsent.Count > 0)
            {
                ClusterLogMessages.LinesNotSent(logger, id, node.Id, unsent.Count);
                connection.Events.Append(new StatusEvent(IrcStatus.Error, NotSent(unsent), time.GetUtcNow()));
            }
            if (log is not null) await ShippedAsync(log, deadline).ConfigureAwait(false);
            // Reported here, from the queue itself: the next owner must not report them again.
            await pending.TakeAsync(id).ConfigureAwait(false);
            if (log is not null)
            {
                // What did not reach Redis in time is lost with this node: the next owner says from which event on.
                await redis.GetDatabase().HashSetAsync(keys.Connection(id), [ConnectionRecord.Received(log.LastSeq)]).ConfigureAwait(false);
            }
            var ok = await leases.HandOverAsync(id, target).ConfigureAwait(false);
            directory.LetGo(id);
            if (!ok) return false;
            await redis.GetSubscriber().PublishAsync(keys.Handovers, $"{target} {id}").ConfigureAwait(false);
            ClusterLogMessages.HandedOver(logger, node.Id, id, target);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The lease expires by itself then, and any live node takes the connection over after the lease timeout.
            logger.LogWarning(ex, "Handing connection {ConnectionId} to node {Target} failed; it is taken over once its lease expires", id, target);
            directory.LetGo(id);
            return false;
        }
    }

    /// <summary>The user's lines as the log reports them: how many, and which (without the secrets they carry), so the user can send them again.</summary>
    internal static string NotSent(IReadOnlyList<string> lines)
    {
        const int MaxQuoted = 5;
        var quoted = string.Join(" | ", lines.Take(MaxQuoted).Select(SecretLines.Hide));
        var more = lines.Count > MaxQuoted ? $" and {lines.Count - MaxQuoted} more" : "";
        return $"{lines.Count} of your lines were not sent to the IRC server, because the gateway node holding this connection stopped: {quoted}{more}. " +
            "Send them again once the connection is registered.";
    }

    /// <summary>
    /// Waits until Redis has every event of the log, so the next owner's events follow them: until the copy is done, or
    /// stopped (the lease was lost), or <paramref name="deadline"/>.
    /// </summary>
    private async Task ShippedAsync(RedisEventLog log, long deadline)
    {
        while (true)
        {
            // Taken before looking, so a copy that moves between the look and the wait is not missed.
            var moved = log.ShippedMoved;
            if (log.ShippedSeq >= log.LastSeq || log.LeaseLost || log.Drained.IsCompleted) return;
            var left = deadline - time.GetTimestamp();
            if (left <= 0) return;
            try
            {
                await moved.WaitAsync(TimeSpan.FromSeconds((double)left / time.TimestampFrequency), time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }
}

using IrcStream.Api.Connections;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
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
internal sealed class ConnectionHandover(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    RedisEventLogs eventLogs,
    LiveNodes liveNodes,
    PendingLines pending,
    TimeProvider time,
    ClusterMetrics metrics,
    ILogger<ConnectionHandover> logger)
{
    /// <summary>How long a handover waits for the connection's last events to reach Redis before handing the lease on anyway.</summary>
    private static readonly TimeSpan ShipBudget = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ShipPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Hands what it can to other nodes; returns the connections it could not hand over, which the caller closes with QUIT.</summary>
    public async Task<IReadOnlyList<IIrcConnection>> HandOverAsync(IReadOnlyList<IIrcConnection> connections)
    {
        if (connections.Count == 0) return connections;
        string[] targets;
        try
        {
            targets = [.. (await liveNodes.ListAsync().ConfigureAwait(false)).Where(n => n != node.Id)];
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis did not answer which nodes are alive: the connections are closed instead of handed over");
            targets = [];
        }
        if (targets.Length == 0)
        {
            ClusterLogMessages.NoNodeToHandTo(logger, node.Id, connections.Count);
            metrics.HandedOver(handed: false, connections.Count);
            return connections;
        }
        var handed = await Task.WhenAll(connections.Select((connection, i) => HandOverAsync(connection, targets[i % targets.Length]))).ConfigureAwait(false);
        metrics.HandedOver(handed: true, handed.Count(h => h));
        return [];
    }

    private async Task<bool> HandOverAsync(IIrcConnection connection, string target)
    {
        var id = connection.Options.ConnectionId;
        try
        {
            var unsent = await connection.LetGoAsync().ConfigureAwait(false);
            // Reported here, from the queue itself: the next owner must not report them again.
            await pending.TakeAsync(id).ConfigureAwait(false);
            var log = eventLogs.Find(id);
            if (unsent.Count > 0)
            {
                ClusterLogMessages.LinesNotSent(logger, id, node.Id, unsent.Count);
                connection.Events.Append(new StatusEvent(IrcStatus.Error, NotSent(unsent), time.GetUtcNow()));
            }
            if (log is not null)
            {
                await ShippedAsync(log).ConfigureAwait(false);
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

    /// <summary>Waits (briefly) until Redis has every event of the log, so the next owner's events follow them.</summary>
    private async Task ShippedAsync(RedisEventLog log)
    {
        var deadline = time.GetTimestamp() + (long)(ShipBudget.TotalSeconds * time.TimestampFrequency);
        while (log.ShippedSeq < log.LastSeq && !log.LeaseLost && time.GetTimestamp() < deadline)
            await Task.Delay(ShipPoll, time).ConfigureAwait(false);
    }
}

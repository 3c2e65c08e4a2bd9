using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Takes over the IRC connections whose owner stopped: every <see cref="ScanInterval"/> (and at once when a stopping
/// node hands one to this node) it asks Redis, in one call, for the connections whose lease may have run out
/// (<see cref="TakeoverCandidates"/>), without keyspace notifications. A connection whose lease is gone (its owner crashed, froze or lost Redis for longer than
/// <c>IrcStream:Redis:LeaseTimeout</c>) is claimed with one script that sets the lease only if nobody holds it, so exactly
/// one node wins; one handed to this node by name is claimed the same way. The new owner appends RECONNECTING to the
/// connection's log (its seq goes on), connects with the options in the record, registers with the same nick (the usual
/// nick-in-use rules apply), and rejoins every channel with its key. Before claiming an orphan it asks the owner the record
/// names whether it still holds it (<see cref="OwnerCheck"/>): a live owner keeps its connection and takes its lease back.
/// </summary>
/// <remarks>
/// Spread: in one round a node claims at most its fair share of the orphans it sees, the orphans divided by the live
/// nodes, rounded up, in random order; the rest are left to the other nodes, and anything still orphaned is claimed in
/// the next round, a scan interval later. So a crash of one node of three moves about half its connections to each of
/// the two others, and never needs more than a few rounds.
/// </remarks>
internal sealed class ConnectionTakeover(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    TakeoverCandidates candidates,
    RedisEventLogs eventLogs,
    RedisEventStore store,
    ConnectionSecrets secrets,
    LiveNodes liveNodes,
    PendingLines pending,
    ServedSessions served,
    RedisReach reach,
    OwnerCheck owners,
    ServerPolicy policy,
    ConnectionOpener opener,
    IOptions<IrcStreamOptions> options,
    TimeProvider time,
    ClusterMetrics metrics,
    ILoggerFactory loggers) : BackgroundService
{
    /// <summary>How often a node looks for connections nobody holds; a handover wakes it at once.</summary>
    public static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a takeover's metrics wait for REGISTERED.</summary>
    private static readonly TimeSpan RegisterPatience = TimeSpan.FromMinutes(2);

    /// <summary>How much of the previous owner's log is read for the newest message of each channel (a gap event among them is skipped).</summary>
    private const int HistoryTailEvents = 1000;

    internal const string Crash = "crash";
    internal const string Handover = "handover";
    internal const string RedisAway = "redis";

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ILogger _logger = loggers.CreateLogger<ConnectionTakeover>();
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await candidates.IndexListedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Indexing the connections listed by earlier nodes failed; those a node of an earlier version owns are not taken over by this node if that node crashes");
        }
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(keys.Handovers, (channel, message) =>
        {
            // "<node> <id>": only the node named acts on it. The handing node put it in the index already, unless it
            // is of an earlier version that had no index.
            if (((string?)message)?.Split(' ') is [var target, var id] && target == node.Id) _ = LookNowAsync(id);
        }).ConfigureAwait(false);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _logger.LogWarning(ex, "Looking for connections to take over failed; trying again in {Interval}", ScanInterval);
                }
                await _wake.WaitAsync(ScanInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping: it takes nothing more over.
        }
        finally
        {
            await subscriber.UnsubscribeAsync(keys.Handovers).ConfigureAwait(false);
        }
    }

    /// <summary>One round: claims what was handed to this node, and its share of what nobody holds.</summary>
    internal async Task ScanAsync(CancellationToken cancellationToken)
    {
        var round = await candidates.FindAsync().ConfigureAwait(false);
        foreach (var (id, token) in round.Handed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await leases.ClaimAsync(id, token).ConfigureAwait(false) == ClaimOutcome.Claimed) await TakeOverAsync(id, Handover).ConfigureAwait(false);
        }
        // A node that was cut off from Redis itself leaves the owners cut off with it their beat to take their leases
        // back, rather than taking every connection of the cluster over at once; and it never takes one of its own.
        if (round.Orphans.Count == 0 || !reach.MayTakeOver) return;
        var orphans = round.Orphans.Where(id => leases.TokenOf(id) is null).ToArray();
        if (orphans.Length == 0) return;
        // A lapsed lease is not a dead owner: an owner that answers that it still holds the connection takes its lease
        // back itself, however late its heartbeat reaches Redis; only what no live owner holds is claimed.
        var free = (await owners.NotHeldAsync(orphans, cancellationToken).ConfigureAwait(false)).ToArray();
        if (free.Length == 0) return;

        var live = Math.Max(1, (await liveNodes.ListAsync().ConfigureAwait(false)).Count);
        var share = (free.Length + live - 1) / live;
        Random.Shared.Shuffle(free);
        var claimed = 0;
        foreach (var (id, ownerAlive) in free)
        {
            if (claimed >= share) break;
            cancellationToken.ThrowIfCancellationRequested();
            switch (await leases.ClaimAsync(id).ConfigureAwait(false))
            {
                case ClaimOutcome.Claimed:
                    claimed++;
                    // An owner that answered is alive: it let the connection go because it could not reach Redis.
                    await TakeOverAsync(id, ownerAlive ? RedisAway : Crash).ConfigureAwait(false);
                    break;
                case ClaimOutcome.Gone:
                    // Closed for good (its log ended) or its record expired with its session: nothing to take over.
                    await candidates.RemoveAsync(id).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Has the next round look at a connection handed to this node, and starts that round now.</summary>
    private async Task LookNowAsync(string id)
    {
        try
        {
            await candidates.LookNowAsync(id).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A node of this version indexed it as it handed it over; otherwise a round finds it once its token expires.
            _logger.LogWarning(ex, "Connection {ConnectionId} was handed to this node, but marking it due failed", id);
        }
        _wake.Release();
    }

    /// <summary>This node holds the lease now: rebuild the connection from its record, and start it.</summary>
    private async Task TakeOverAsync(string id, string reason)
    {
        try
        {
            var record = ConnectionRecord.From(id, await _db.HashGetAllAsync(keys.Connection(id)).ConfigureAwait(false));
            if (record?.SessionHash is not { } session || (string?)await _db.HashGetAsync(keys.SessionByHash(session), "address").ConfigureAwait(false) is not { } address)
            {
                // Its session ended while nobody held it: nobody can read it any more, so it is closed, not reopened.
                await directory.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            var connectionOptions = record.Options(policy, options.Value.Webirc, secrets);
            var lastSeq = await store.LastSeqAsync(id).ConfigureAwait(false);
            // The end of the log the previous owner wrote: where the client fills each channel from (draft/chathistory),
            // or says that lines may be missing where the server cannot.
            var tail = await store.ReadAfterAsync(id, lastSeq - HistoryTailEvents, HistoryTailEvents).ConfigureAwait(false);
            var previous = record.Owner;
            var since = record.Renewed ?? time.GetUtcNow();
            var why = reason switch
            {
                Handover => $"node {previous} was stopping and handed it over",
                RedisAway when previous == node.Id => "this node had let it go while it could not reach Redis",
                RedisAway => $"node {previous} could not reach Redis and let it go",
                _ => $"node {previous} stopped renewing its lease",
            };
            ClusterLogMessages.TakingOver(_logger, node.Id, id, previous, why, connectionOptions.Endpoint, connectionOptions.Nick ?? "(the browser registers)",
                connectionOptions.Channels.Count == 0 ? "no channels" : string.Join(' ', connectionOptions.Channels));
            await _db.HashSetAsync(keys.Connection(id), [ConnectionRecord.OwnedBy(node.Id)]).ConfigureAwait(false);
            // Opened as a new connection is (the same opener, factory and ownership), and taken in before anything is
            // appended: a node that began stopping meanwhile gives the lease back having said nothing, so the log never
            // claims a node connected that never did.
            var log = eventLogs.Create(id, lastSeq);
            if (opener.Open(connectionOptions, log, directory.Ownership(id)) is not { } connection)
            {
                eventLogs.LetGo(id);
                await leases.DeleteAsync(id).ConfigureAwait(false);
                return;
            }
            // A node that stopped renewing (crashed, froze, cut off from Redis) may have read lines it never stored: say
            // exactly from where, since the log's seqs go on without a hole for them. A stopping node wrote how far it
            // read: beyond the stream's end, it could not store everything in time, and that is said as well.
            var unstored = StoredAll(reason, record, lastSeq) ? "" : $" Whatever node {previous} received after event {lastSeq} and had not stored yet is not in this log.";
            connection.CarryOn(tail.Events);
            directory.Adopt(connection, session, record.Admission);
            // What this node would put the session back with if Redis lost its data (its life comes with the renewals).
            served.Lives(keys.SessionByHash(session), TimeSpan.Zero, address);
            log.Append(new StatusEvent(IrcStatus.Reconnecting, Reconnecting(previous, why) + unstored, time.GetUtcNow()));
            await ReportNotSentAsync(id, previous, log);
            connection.Start();
            metrics.TakenOver(reason);
            _ = MeasureAsync(connection, reason, reason == Handover ? time.GetUtcNow() : since);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            // Nothing started: let the lease go, so this node or another tries again next round.
            _logger.LogWarning(ex, "Taking over connection {ConnectionId} failed; it is left for the next round", id);
            eventLogs.LetGo(id);
            await leases.DeleteAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when the previous owner stored everything it received: only a handover, and only where the stream reaches
    /// the newest seq the stopping node wrote into the record. A node that stopped renewing never says how far it read.
    /// </summary>
    internal static bool StoredAll(string reason, ConnectionRecord record, long lastSeq) =>
        reason == Handover && !(record.ReceivedUpTo > lastSeq);

    /// <summary>What RECONNECTING says: which node held the connection, why it moved, and which node connects now.</summary>
    private string Reconnecting(string previous, string why) => previous == node.Id
        ? $"Connecting again from node {node.Id} ({why})."
        : $"The gateway node changed ({why}); connecting again from node {node.Id}.";

    /// <summary>Lines the previous owner accepted and never wrote: said, not sent (sending them now could send some twice).</summary>
    private async Task ReportNotSentAsync(string id, string previous, IEventLog log)
    {
        try
        {
            if (await pending.TakeAsync(id).ConfigureAwait(false) is not { Count: > 0 } notSent) return;
            ClusterLogMessages.LinesNotSent(_logger, id, previous, notSent.Count);
            log.Append(new StatusEvent(IrcStatus.Error, ConnectionHandover.NotSent(notSent), time.GetUtcNow()));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The connection is this node's now and goes on; only the report is missing.
            _logger.LogWarning(ex, "Connection {ConnectionId}: the lines its previous owner left unwritten could not be read from Redis", id);
        }
    }

    /// <summary>Records how long the connection was held by nobody: from the lease's loss to REGISTERED here.</summary>
    private async Task MeasureAsync(IIrcConnection connection, string reason, DateTimeOffset lost)
    {
        using var patience = new CancellationTokenSource(RegisterPatience, time);
        var seen = connection.Events.LastSeq;
        try
        {
            while (connection.State != ConnectionState.Connected)
            {
                if (!await connection.Events.WaitForEventsAfterAsync(seen, patience.Token).ConfigureAwait(false)) return;
                seen = connection.Events.LastSeq;
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var elapsed = time.GetUtcNow() - lost;
        metrics.Registered(reason, elapsed);
        ClusterLogMessages.TakenOver(_logger, connection.Options.ConnectionId, node.Id, reason, elapsed.TotalSeconds);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}

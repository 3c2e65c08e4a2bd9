using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Connection records in Redis, so every node can list and describe every connection, and take one over when its
/// owner stops: <c>{prefix}:{id}:conn</c> is a hash with the session it belongs to, its owner node, the server, TLS,
/// the registration (nick, username, realname, password and SASL encrypted, the browser's address for WEBIRC), and, as
/// they change, the state, nick, channels to rejoin and their keys (encrypted); the ids are in
/// <see cref="RedisKeys.Connections"/> and <see cref="RedisKeys.LeaseExpiries"/>. The owner writes the record when it opens the connection and again every
/// heartbeat in the same script that renews its lease, which also looks whether the connection's session still
/// exists: when the session has expired the owner closes the connection with QUIT; when the lease is gone (another
/// node holds it, or it expired while this node could not reach Redis or was frozen) the owner lets the connection go
/// without QUIT and without appending (<see cref="IIrcConnection.LetGoAsync"/>). A record without a live lease
/// describes a connection nobody holds: closed, or waiting to be taken over (<see cref="ConnectionTakeover"/>).
/// </summary>
internal sealed class RedisConnectionDirectory(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    ConnectionLeases leases,
    RedisEventLogs eventLogs,
    GatewayNode node,
    OwnedConnections owned,
    ConnectionCloser closer,
    ConnectionSecrets secrets,
    PendingLines pending,
    ServedSessions served,
    RedisGeneration generation,
    IOptions<IrcStreamOptions> options,
    TimeProvider time,
    ClusterMetrics metrics,
    ILogger<RedisConnectionDirectory> logger)
{

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ConcurrentDictionary<string, string> _sessionOf = new(StringComparer.Ordinal);

    // The channel keys last written to each record (the state's own list: a new list means they changed), so they are
    // encrypted and written only when they change, not every heartbeat.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ChannelKey>> _keysWritten = new(StringComparer.Ordinal);

    // The connections a stopping node is handing over: no longer its own to serve, their leases still its to keep until handed on.
    private readonly ConcurrentDictionary<string, bool> _leaving = new(StringComparer.Ordinal);

    // What the admin API noted as each connection opened (its client address and creation time), as record fields: put
    // back with the record if Redis loses its data (RedisRebuild).
    private readonly ConcurrentDictionary<string, HashEntry[]> _admitted = new(StringComparer.Ordinal);

    // The connections this node closed for good, until their records would have expired: an older copy of Redis may
    // hold them again, and a record without a lease is one to take over (ForgetClosedAgainAsync).
    private readonly ConcurrentDictionary<string, long> _closed = new(StringComparer.Ordinal);

    // A record outlives a silent owner by the session's idle timeout, then goes with it.
    private readonly long _recordMilliseconds = (long)(options.Value.SessionIdleTimeout + leases.Duration).TotalMilliseconds;

    /// <summary>How long a record lives without a heartbeat, in ms.</summary>
    public long RecordMilliseconds => _recordMilliseconds;

    /// <summary>The hash of the session that holds a connection this node owns; null when it owns none of that id.</summary>
    public string? SessionOf(string connectionId) => _sessionOf.GetValueOrDefault(connectionId);

    /// <summary>The hashes of the sessions this node owns a connection of.</summary>
    public IReadOnlySet<string> HeldSessions() => _sessionOf.Values.ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether this node can confirm now that it holds the connection (<see cref="ConnectionLeases.MayWrite"/>).</summary>
    public bool MayWrite(string connectionId) => leases.MayWrite(connectionId);

    /// <summary>This node's hold on the connection, given to it as it is opened.</summary>
    public LeaseOwnership Ownership(string connectionId) => new(connectionId, leases, pending);

    /// <summary>
    /// The user's <paramref name="lines"/> were queued (numbered up to <paramref name="lastNumber"/>): they are kept in
    /// Redis until written, so a node that takes the connection over after a crash reports those never sent.
    /// </summary>
    public async ValueTask LinesQueuedAsync(string connectionId, long lastNumber, IReadOnlyList<string> lines)
    {
        try
        {
            await pending.AddAsync(connectionId, lastNumber, lines).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The lines are queued and will be written: answering an error now would make the user send them twice.
            logger.LogWarning(ex, "Connection {ConnectionId}: {Count} queued lines could not be recorded in Redis; a crash of this node before they are written would lose them unreported", connectionId, lines.Count);
        }
    }

    /// <summary>The connection logs in with <paramref name="credentials"/> from now: its record says so (the password encrypted), for a node that takes it over.</summary>
    public async ValueTask SaslChangedAsync(string connectionId, SaslCredentials credentials) =>
        await _db.HashSetAsync(keys.Connection(connectionId), ConnectionRecord.Sasl(credentials, secrets)).ConfigureAwait(false);

    /// <summary>The admin API notes who opened a connection this node has just opened: written into its record, and kept here to put back.</summary>
    public async Task AdmittedAsync(string connectionId, string? clientAddress, DateTimeOffset created)
    {
        var fields = ConnectionRecord.Admitted(clientAddress, created);
        _admitted[connectionId] = fields;
        await _db.HashSetAsync(keys.Connection(connectionId), fields).ConfigureAwait(false);
    }

    /// <summary>The admin API's fields of a connection this node holds (<see cref="AdmittedAsync"/>, or read from the record it took over); empty when none were noted.</summary>
    public HashEntry[] AdmissionOf(string connectionId) => _admitted.GetValueOrDefault(connectionId) ?? [];

    /// <summary>Takes the lease on a connection this node has just opened for <paramref name="session"/>, and writes its record, before it starts.</summary>
    public async ValueTask RegisterAsync(IIrcConnection connection, IBrowserSession session, CancellationToken cancellationToken)
    {
        var id = connection.Options.ConnectionId;
        if (!await leases.AcquireAsync(id).ConfigureAwait(false))
            throw new InvalidOperationException($"Connection id {id} is already owned by another node.");
        _sessionOf[id] = session.Hash;
        var record = keys.Connection(id);
        var batch = _db.CreateBatch();
        var written = batch.HashSetAsync(record, ConnectionRecord.Opened(connection, session.Hash, node.Id, secrets));
        var expiry = batch.KeyExpireAsync(record, TimeSpan.FromMilliseconds(_recordMilliseconds));
        var listed = batch.SetAddAsync(keys.Connections, id);
        // Due at once: the next takeover round finds the lease held and puts in its real expiry.
        var indexed = batch.SortedSetAddAsync(keys.LeaseExpiries, id, 0);
        batch.Execute();
        await Task.WhenAll(written, expiry, listed, indexed).ConfigureAwait(false);
        _keysWritten[id] = connection.ClientState.Keys;
    }

    /// <summary>
    /// Takes in a connection this node has just claimed from another node (<see cref="ConnectionTakeover"/>) and
    /// opened, before it starts: from now on the heartbeat renews its lease and record.
    /// </summary>
    public void Adopt(IIrcConnection connection, string sessionHash, HashEntry[] admission)
    {
        var id = connection.Options.ConnectionId;
        _sessionOf[id] = sessionHash;
        if (admission.Length > 0) _admitted[id] = admission;
        _keysWritten[id] = connection.ClientState.Keys;
    }

    /// <summary>
    /// The connection is being handed over as this node stops (<see cref="ConnectionHandover"/>): its socket is gone and
    /// its record no longer changes, but the heartbeat keeps renewing its lease (taking it back after an outage, as for
    /// any connection), so the log is copied to its end under this node's token before the lease is handed on.
    /// </summary>
    public void Leaving(string connectionId) => _leaving[connectionId] = true;

    /// <summary>Lets go, without a word to Redis, of a connection whose lease this node handed on or lost: it renews it no more and stops copying its log.</summary>
    public void LetGo(string connectionId)
    {
        _leaving.TryRemove(connectionId, out _);
        leases.LetGo(connectionId);
        _sessionOf.TryRemove(connectionId, out _);
        _keysWritten.TryRemove(connectionId, out _);
        _admitted.TryRemove(connectionId, out _);
        eventLogs.LetGo(connectionId);
    }

    /// <summary>
    /// Lets every connection this node owns go, without QUIT and without a word to Redis: this node is cut off from
    /// Redis while other nodes reach it, so they take the connections over. Returns how many it let go.
    /// </summary>
    public int LetGoAll()
    {
        var count = 0;
        foreach (var (id, _) in leases.Held)
        {
            if (owned.Take(id) is not { } connection) continue;
            LetGo(id);
            closer.LetGoInBackground(connection);
            count++;
        }
        return count;
    }

    /// <summary>The contract objects of those of <paramref name="connectionIds"/> that still exist, in that order: from this node's own view where it holds them, else from their records.</summary>
    public async ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken)
    {
        var reads = new List<(string Id, Task<HashEntry[]> Record, Task<bool> Leased, Task<StreamEntry[]> Newest)?>();
        var batch = _db.CreateBatch();
        foreach (var id in connectionIds)
        {
            // The owner's own view is fresher than its last heartbeat's record.
            if (owned.Find(id) is not null) reads.Add(null);
            else reads.Add((id, batch.HashGetAllAsync(keys.Connection(id)), batch.KeyExistsAsync(keys.Lease(id)),
                batch.StreamRangeAsync(keys.Log(id), "-", "+", 1, Order.Descending)));
        }
        batch.Execute();
        var described = new List<ConnectionDto>(connectionIds.Count);
        for (var i = 0; i < connectionIds.Count; i++)
        {
            if (reads[i] is not { } read)
            {
                if (owned.Find(connectionIds[i]) is { } local) described.Add(ConnectionDto.From(local));
                continue;
            }
            if (ConnectionRecord.From(read.Id, await read.Record.ConfigureAwait(false)) is not { } record) continue;
            var newest = await read.Newest.ConfigureAwait(false);
            described.Add(record.Describe(await read.Leased.ConfigureAwait(false), newest.Length == 0 ? 0 : RedisEventStore.SeqOf(newest[0].Id!)));
        }
        return described;
    }

    /// <summary>Deletes what Redis keeps of a connection that was closed for good (deleted, or its session ended): its record, lease and lines.</summary>
    public async ValueTask DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        _sessionOf.TryRemove(connectionId, out _);
        _keysWritten.TryRemove(connectionId, out _);
        _admitted.TryRemove(connectionId, out _);
        _closed[connectionId] = time.GetTimestamp() + (long)(_recordMilliseconds / 1000.0 * time.TimestampFrequency);
        // The log's last events (CLOSED) and its end mark are written under the lease: delete it only after them,
        // and after the record, so no node finds a record without a lease and takes a closed connection over.
        await eventLogs.DrainAsync(connectionId).ConfigureAwait(false);
        var batch = _db.CreateBatch();
        var deleted = batch.KeyDeleteAsync([keys.Connection(connectionId), keys.PendingLines(connectionId), keys.LinesWritten(connectionId)]);
        var unlisted = batch.SetRemoveAsync(keys.Connections, connectionId);
        var unindexed = batch.SortedSetRemoveAsync(keys.LeaseExpiries, connectionId);
        batch.Execute();
        await Task.WhenAll(deleted, unlisted, unindexed).ConfigureAwait(false);
        await leases.DeleteAsync(connectionId).ConfigureAwait(false);
    }

    /// <summary>
    /// After Redis went back to an older copy of its data: deletes again what it holds of the connections this node
    /// closed for good since (their records, lines and places in the connection set and the takeover index), so that no
    /// node takes a closed connection over and reconnects it. Returns how many it found again.
    /// </summary>
    public async Task<int> ForgetClosedAgainAsync()
    {
        var now = time.GetTimestamp();
        var batch = _db.CreateBatch();
        var work = new List<Task<bool>>();
        var done = new List<Task>();
        foreach (var (id, until) in _closed)
        {
            if (until <= now)
            {
                _closed.TryRemove(new KeyValuePair<string, long>(id, until));
                continue;
            }
            work.Add(batch.KeyDeleteAsync(keys.Connection(id)));
            done.Add(batch.KeyDeleteAsync([keys.PendingLines(id), keys.LinesWritten(id)]));
            done.Add(batch.SetRemoveAsync(keys.Connections, id));
            done.Add(batch.SortedSetRemoveAsync(keys.LeaseExpiries, id));
        }
        batch.Execute();
        await Task.WhenAll(done).ConfigureAwait(false);
        return (await Task.WhenAll(work).ConfigureAwait(false)).Count(deleted => deleted);
    }

    /// <summary>
    /// One heartbeat: renews the lease and the record of every connection this node owns, closes (with QUIT) those
    /// whose session has expired, and lets go (without QUIT) of those whose lease is gone. Returns how many renewals failed.
    /// </summary>
    public async Task<int> RenewAsync()
    {
        var batch = _db.CreateBatch();
        var renewals = new List<(string Id, string Token, IReadOnlyList<ChannelKey>? Keys, Task<RedisResult> Outcome)>();
        var sent = leases.Now();
        var renewed = time.GetUtcNow();
        foreach (var (id, token) in leases.Held)
        {
            if (!_sessionOf.TryGetValue(id, out var session)) continue;
            IReadOnlyList<ChannelKey>? channelKeys = null;
            IEnumerable<RedisValue> fields;
            if (owned.Find(id) is { } connection)
            {
                channelKeys = connection.ClientState.Keys;
                var keysChanged = !_keysWritten.TryGetValue(id, out var written) || !ReferenceEquals(written, channelKeys);
                fields = ConnectionRecord.Heartbeat(connection, renewed, keysChanged, secrets);
            }
            // Its socket let go: the record keeps what the connection was (its channels to rejoin), only the lease is renewed.
            else if (_leaving.ContainsKey(id)) fields = ConnectionRecord.Renewal(renewed);
            else continue;
            renewals.Add((id, token, channelKeys, batch.ScriptEvaluateAsync(RedisScripts.ConnectionRenew, [keys.Lease(id), keys.Connection(id), keys.SessionByHash(session), keys.Log(id)],
                [token, (long)leases.Duration.TotalMilliseconds, _recordMilliseconds, node.Id, eventLogs.Find(id)?.MayHaveWritten ?? 0, .. fields])));
        }
        batch.Execute();
        var failed = 0;
        Exception? failure = null;
        bool? dataLost = null;
        foreach (var (id, token, writtenKeys, outcome) in renewals)
        {
            int result;
            long newest;
            try
            {
                var answer = (RedisResult[])(await outcome.ConfigureAwait(false))!;
                (result, newest) = ((int)answer[0], (long)answer[1]);
                if (answer.Length > 2 && _sessionOf.TryGetValue(id, out var hash)) served.Lives(keys.SessionByHash(hash), TimeSpan.FromMilliseconds((long)answer[2]));
                // A lease gone with its record is Redis having lost its data since this beat looked (restarted empty,
                // flushed), not the connection having moved: the next beat puts it back (RedisRebuild).
                if (result == -1 && (dataLost ??= await generation.LostAsync().ConfigureAwait(false)))
                {
                    failed++;
                    continue;
                }
                if (result == -3)
                {
                    // Its record is gone with its lease, or under it: Redis went back to an older copy of its data from
                    // before this connection opened, with no look between to tell (RedisGeneration). The next beat rebuilds.
                    generation.FoundMissing();
                    continue;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not lost yet: the lease lasts many heartbeats; the next one tries again.
                failed++;
                failure ??= ex;
                continue;
            }
            if (result is 1 or 2)
            {
                if (result == 2)
                {
                    metrics.Refenced();
                    ClusterLogMessages.LeaseTakenAgain(logger, id, node.Id);
                }
                leases.Renewed(id, token, sent);
                if (writtenKeys is not null) _keysWritten[id] = writtenKeys;
                // A failed-over Redis may have lost the newest entries: the log appends them again from memory.
                eventLogs.Find(id)?.StreamEndsAt(newest);
                continue;
            }
            if (owned.Take(id) is not { } connection) continue;
            if (result == 0)
            {
                GatewayLogMessages.SessionEnded(logger, _sessionOf.TryGetValue(id, out var hash) ? hash[..12] : "?", "Expired", 1);
                closer.CloseInBackground([connection], "Session expired", closed => DeleteAsync(closed, CancellationToken.None).AsTask());
            }
            else
            {
                failed++;
                ClusterLogMessages.LeaseLost(logger, id, node.Id);
                LetGo(id);
                closer.LetGoInBackground(connection);
            }
        }
        if (failure is not null) logger.LogWarning(failure, "Renewing the leases of {Count} connections failed; the next heartbeat tries again", failed);
        return failed;
    }
}

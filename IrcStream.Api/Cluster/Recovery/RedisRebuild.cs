using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Puts back into Redis, after it lost its data (restarted without persistence, flushed: <see cref="RedisGeneration"/>),
/// what this node holds in memory, so browsers carry on and no IRC connection is reconnected: the Data Protection keys
/// (<see cref="RememberedKeyRing"/>), the lease of every connection it owns (with the same token) together with its
/// record (secrets encrypted again from the connection's own options, and the client address and creation time the admin
/// API noted), its place in the takeover index and the user's
/// lines it accepted and has not written yet (<see cref="PendingLines.Restore"/>), then the
/// sessions it knows (<see cref="ServedSessions"/>: those of its connections, and those it served lately) with their
/// connections, and the operator bans as it last read or wrote them (<see cref="Admin.RedisBanStore.RestoreAsync"/>). The logs come back by themselves: the next renewal finds each stream ending before what this node had
/// appended, and the log appends again, with the same seqs, everything its memory still holds
/// (<see cref="RedisEventLog.StreamEndsAt"/>). What memory no longer holds (events older than the ring, or from before
/// this node took the connection over) is not in the stream any more: a reader resuming before it gets a <c>gap</c>
/// over exactly those seqs.
/// </summary>
/// <remarks>
/// Each node runs it at its heartbeat, before renewing, so all of them within a second of Redis answering again. No
/// node takes a connection over meanwhile: a record only comes back together with its owner's lease, in one script,
/// and a node that noticed a loss takes nothing over for a lease (<see cref="RedisReach.DataLost"/>). For that long
/// (<see cref="Window"/>), a cookie naming no session, or a connection its session does not hold, answers 503 with
/// Retry-After (<see cref="RedisRebuildingException"/>) rather than "not found", since another node may not have put
/// its part back yet: a browser tries again instead of forgetting its connections or starting a new session.
/// </remarks>
internal sealed class RedisRebuild(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    RedisGeneration generation,
    ServedSessions served,
    RememberedKeyRing keyRing,
    Admin.RedisBanStore bans,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    OwnedConnections owned,
    RedisEventLogs eventLogs,
    ConnectionSecrets secrets,
    PendingLines pending,
    RedisReach reach,
    IOptions<IrcStreamOptions> options,
    TimeProvider time,
    ClusterMetrics metrics,
    ILogger<RedisRebuild> logger) : IRebuildWindow
{
    private const string Emptied = "Redis lost its data (restarted without persistence, or flushed)";
    private const string WentBack = "Redis went back to an older copy of its data (restarted from an older snapshot, or a replica behind took over)";

    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly TimeSpan _idle = options.Value.SessionIdleTimeout;
    private long _noticed = long.MinValue;

    /// <summary>How long after a loss this node answers "not found" with 503: a lease, as long as takeovers wait.</summary>
    public TimeSpan Window => reach.ReFenceGrace;

    public bool InWindow
    {
        get
        {
            var noticed = Interlocked.Read(ref _noticed);
            return noticed != long.MinValue && time.GetElapsedTime(noticed) < Window;
        }
    }

    /// <summary>The heartbeat's look, before it renews: when Redis lost its data, put back what this node holds.</summary>
    public async Task CheckAsync()
    {
        served.PruneIfDue(() => directory.HeldSessions().Select(h => keys.SessionByHash(h)).ToHashSet());
        if (await generation.LostAsync().ConfigureAwait(false)) await RebuildAsync().ConfigureAwait(false);
        else await bans.RefreshIfDueAsync().ConfigureAwait(false);
    }

    public async Task<bool> MayBeRebuildingAsync()
    {
        if (InWindow) return true;
        if (!await generation.LostAsync().ConfigureAwait(false)) return false;
        // Found by a request before the heartbeat: the request is answered now, the rebuild goes on behind it.
        _ = Task.Run(RebuildInBackgroundAsync);
        return true;
    }

    private async Task RebuildInBackgroundAsync()
    {
        try
        {
            await RebuildAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Putting back what this node holds after Redis lost its data failed; the next heartbeat tries again");
        }
    }

    private async Task RebuildAsync()
    {
        await _one.WaitAsync().ConfigureAwait(false);
        try
        {
            // Looked again under the lock: another caller may have rebuilt meanwhile, or Redis lost its data once more.
            if (!await generation.LostAsync().ConfigureAwait(false) || generation.Known is not { } current) return;
            Interlocked.Exchange(ref _noticed, time.GetTimestamp());
            reach.DataLost();
            var started = time.GetTimestamp();
            var wentBack = generation.WentBack;
            // An older copy of Redis holds again the connections this node closed since: closed they stay.
            var closedAgain = wentBack ? await directory.ForgetClosedAgainAsync().ConfigureAwait(false) : 0;
            var keysBack = await keyRing.RestoreAsync().ConfigureAwait(false);
            var (connections, moved, complete, unrebuilt) = await ConnectionsAsync(current).ConfigureAwait(false);
            var sessions = await SessionsAsync().ConfigureAwait(false);
            var bansBack = await bans.RestoreAsync().ConfigureAwait(false);
            if (complete) generation.Rebuilt(current);
            metrics.Rebuilt(connections, sessions);
            RebuildLogMessages.Rebuilt(logger, wentBack ? WentBack : Emptied, node.Id, connections, sessions, bansBack, keysBack, unrebuilt, moved, closedAgain,
                time.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Every connection this node owns: its lease and record, where missing. Counts what came back, what had moved, and the events memory no longer holds.</summary>
    private async Task<(int Rebuilt, int Moved, bool Complete, long Unrebuilt)> ConnectionsAsync(string current)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var sent = leases.Now();
        var leaseMs = (long)leases.Duration.TotalMilliseconds;
        var work = new List<(string Id, string Token, Task<RedisResult> Outcome)>();
        var lines = new List<Task>();
        foreach (var (id, token) in leases.Held)
        {
            if (owned.Find(id) is not { } connection || directory.SessionOf(id) is not { } session) continue;
            HashEntry[] record = [.. ConnectionRecord.Opened(connection, session, node.Id, secrets), .. directory.AdmissionOf(id)];
            RedisValue[] args = [token, leaseMs, directory.RecordMilliseconds, id, current, .. record.SelectMany(e => new[] { (RedisValue)e.Name, e.Value })];
            work.Add((id, token, batch.ScriptEvaluateAsync(RedisScripts.ConnectionRebuild,
                [keys.Lease(id), keys.Connection(id), keys.LeaseExpiries, keys.Connections, keys.Log(id), keys.Generation], args)));
            // Behind the lease in the same batch: the lines it accepted and has not written, for the report after a later crash.
            lines.AddRange(pending.Restore(batch, id, token, connection.Unwritten()));
        }
        batch.Execute();
        var (rebuilt, moved, complete, unrebuilt) = (0, 0, true, 0L);
        foreach (var (id, token, outcome) in work)
        {
            var answer = (RedisResult[])(await outcome.ConfigureAwait(false))!;
            var (result, top) = ((int)answer[0], (long)answer[1]);
            switch (result)
            {
                case -2:
                    complete = false;
                    continue;
                case -1:
                    // Another node holds it: the next renewal finds that and lets the socket go.
                    moved++;
                    continue;
            }
            if (result == 1) rebuilt++;
            leases.Renewed(id, token, sent);
            if (eventLogs.Find(id) is not { } log) continue;
            // The stream lost what this node had appended: it appends again from memory, from its oldest retained event.
            if (top < log.ShippedSeq) unrebuilt += Math.Max(0, log.FirstRetainedSeq - 1 - top);
            log.StreamEndsAt(top);
        }
        await Task.WhenAll(lines).ConfigureAwait(false);
        return (rebuilt, moved, complete, unrebuilt);
    }

    /// <summary>
    /// Every session this node knows alive, with the connections of it this node owns. One that holds a connection here
    /// lives at least a <see cref="Window"/> (the other nodes' rebuild may give it longer), so no owner finds it gone and
    /// closes the connection as expired before they had their turn.
    /// </summary>
    private async Task<int> SessionsAsync()
    {
        var ids = new Dictionary<RedisKey, List<string>>();
        foreach (var (id, _) in leases.Held)
        {
            if (owned.Find(id) is null || directory.SessionOf(id) is not { } hash) continue;
            var key = keys.SessionByHash(hash);
            if (!ids.TryGetValue(key, out var list)) ids[key] = list = [];
            list.Add(id);
        }
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var work = new List<Task<RedisResult>>();
        foreach (var session in served.Alive().Union(ids.Keys))
        {
            var held = ids.GetValueOrDefault(session) ?? [];
            var left = served.Left(session) ?? _idle;
            if (held.Count > 0 && left < Window) left = Window;
            if (left <= TimeSpan.Zero) continue;
            var address = served.AddressOf(session) ?? "";
            work.Add(batch.ScriptEvaluateAsync(RedisScripts.SessionRebuild, [session, keys.Sessions, keys.SessionsFrom(address)],
                [(long)left.TotalMilliseconds, address, .. held.Select(id => (RedisValue)id)]));
        }
        batch.Execute();
        var created = 0;
        foreach (var outcome in work) created += (int)await outcome.ConfigureAwait(false);
        return created;
    }
}

/// <summary>Whether a "not found" may be Redis having lost its data a moment ago, with the nodes still putting it back (<see cref="RedisRebuild"/>).</summary>
internal interface IRebuildWindow
{
    /// <summary>True for a while after this node noticed that Redis lost its data.</summary>
    bool InWindow { get; }

    /// <summary>
    /// True when a cookie that names no session, or a session that does not hold a connection, may be one being put
    /// back: inside <see cref="InWindow"/>, or Redis is found to have lost its data just now (one look; the rebuild then
    /// starts).
    /// </summary>
    Task<bool> MayBeRebuildingAsync();
}

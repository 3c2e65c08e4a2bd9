using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>What a claim on a connection nobody holds found.</summary>
internal enum ClaimOutcome
{
    /// <summary>This node holds the lease now.</summary>
    Claimed,

    /// <summary>Another node holds it (it renewed in time, or won the race).</summary>
    Held,

    /// <summary>There is nothing to take over: the record is gone, or the log ended (the connection was closed for good).</summary>
    Gone,
}

/// <summary>
/// The leases this node holds on the IRC connections it owns. A lease is <c>{prefix}:{id}:lease</c> holding a token
/// unique to this node and this acquire (<c>{node}:{guid}</c>), with a PX expiry of <see cref="Duration"/>, renewed
/// every heartbeat (a second) by a compare-and-pexpire script. The event log's appends are fenced by the same token, so
/// a node whose lease expired or was taken can never write into the log again; when a renewal finds the token gone,
/// the node lets the connection go without QUIT (<see cref="RedisConnectionDirectory.RenewAsync"/>). The IRC socket is
/// fenced by time as well: a line is written only while the lease's last confirmed renewal (by this node's monotonic
/// clock, which runs on while the process is frozen) is younger than <see cref="Duration"/>, so a node that wakes up
/// after its lease passed writes nothing more to the server (<see cref="MayWrite"/>).
/// </summary>
internal sealed class ConnectionLeases(IConnectionMultiplexer redis, RedisKeys keys, GatewayNode node, IOptions<IrcStreamOptions> options, TimeProvider time) : ILeaseTokens
{
    /// <summary>How long a lease lasts without renewal (<c>IrcStream:Redis:LeaseTimeout</c>): many heartbeats, so a slow beat or two does not lose it.</summary>
    public TimeSpan Duration { get; } = options.Value.Redis.LeaseTimeout;

    /// <summary>What a lease token says between the node id and the guid when the lease is being handed to that node.</summary>
    public const string HandoverMark = ":handover:";

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ConcurrentDictionary<string, Lease> _held = new(StringComparer.Ordinal);
    private readonly long _durationTicks = (long)(options.Value.Redis.LeaseTimeout.TotalSeconds * time.TimestampFrequency);

    /// <summary>The token this node holds for the connection, to fence its appends; null when it holds none.</summary>
    public string? TokenOf(string connectionId) => _held.TryGetValue(connectionId, out var lease) ? lease.Token : null;

    /// <summary>The leases held now, by connection id, with their tokens.</summary>
    public IReadOnlyCollection<KeyValuePair<string, string>> Held => _held.Select(h => KeyValuePair.Create(h.Key, h.Value.Token)).ToArray();

    /// <summary>A timestamp (<see cref="TimeProvider.GetTimestamp"/>) to give <see cref="Renewed"/> once a renewal sent now succeeds.</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>
    /// True while this node holds the connection's lease by its own clock: the last renewal Redis confirmed was sent
    /// less than <see cref="Duration"/> ago (Redis counts the expiry from later than that, so this never outlives it).
    /// </summary>
    public bool MayWrite(string connectionId) =>
        _held.TryGetValue(connectionId, out var lease) && time.GetTimestamp() - lease.ConfirmedAt < _durationTicks;

    /// <summary>Takes the lease on a new connection; false when some node holds it already.</summary>
    public async Task<bool> AcquireAsync(string connectionId)
    {
        var token = NewToken(node.Id);
        var sent = Now();
        if (!await _db.StringSetAsync(keys.Lease(connectionId), token, Duration, When.NotExists).ConfigureAwait(false)) return false;
        _held[connectionId] = new Lease(token, sent);
        return true;
    }

    /// <summary>
    /// Takes over a connection whose lease nobody holds (its owner stopped renewing), or, with
    /// <paramref name="handoverToken"/>, one its owner handed to this node. Exactly one claimant wins.
    /// </summary>
    public async Task<ClaimOutcome> ClaimAsync(string connectionId, string? handoverToken = null)
    {
        var token = NewToken(node.Id);
        var sent = Now();
        var result = (int)await _db.ScriptEvaluateAsync(
            RedisScripts.LeaseClaim,
            [keys.Lease(connectionId), keys.Connection(connectionId), keys.LogEnd(connectionId)],
            [token, (long)Duration.TotalMilliseconds, handoverToken ?? ""]).ConfigureAwait(false);
        if (result != 1) return result == 0 ? ClaimOutcome.Held : ClaimOutcome.Gone;
        _held[connectionId] = new Lease(token, sent);
        return ClaimOutcome.Claimed;
    }

    /// <summary>
    /// Gives the lease to <paramref name="targetNode"/> at once: it then holds a handover token naming that node, which
    /// only that node claims (<see cref="ClaimAsync"/>); if it never does, the token expires and any node takes over.
    /// From here this node appends nothing more. False when this node no longer held the lease.
    /// </summary>
    public async Task<bool> HandOverAsync(string connectionId, string targetNode)
    {
        if (!_held.TryRemove(connectionId, out var lease)) return false;
        var handover = $"{targetNode}{HandoverMark}{Guid.NewGuid():N}";
        return (int)await _db.ScriptEvaluateAsync(RedisScripts.LeaseHandOver, [keys.Lease(connectionId), keys.LeaseExpiries], [lease.Token, handover, (long)Duration.TotalMilliseconds, connectionId]).ConfigureAwait(false) == 1;
    }

    /// <summary>A renewal sent at <paramref name="sentAt"/> (<see cref="Now"/>) succeeded.</summary>
    public void Renewed(string connectionId, string token, long sentAt)
    {
        if (_held.TryGetValue(connectionId, out var lease) && lease.Token == token && sentAt > lease.ConfirmedAt)
            _held.TryUpdate(connectionId, lease with { ConfirmedAt = sentAt }, lease);
    }

    /// <summary>Stops renewing the lease; it is left to expire (or to whoever holds it now), since its holder no longer writes.</summary>
    public void LetGo(string connectionId) => _held.TryRemove(connectionId, out _);

    /// <summary>Deletes the lease at once instead of leaving it to expire: the connection was closed for good, or this node could not take it over after all.</summary>
    public async Task DeleteAsync(string connectionId)
    {
        if (_held.TryRemove(connectionId, out var lease))
            await _db.ScriptEvaluateAsync(RedisScripts.LeaseDelete, [keys.Lease(connectionId), keys.LeaseExpiries], [lease.Token, connectionId]).ConfigureAwait(false);
    }

    private static string NewToken(string nodeId) => $"{nodeId}:{Guid.NewGuid():N}";

    /// <summary>A lease held: its token, and when the newest renewal Redis confirmed was sent (a monotonic timestamp).</summary>
    private sealed record Lease(string Token, long ConfirmedAt);
}

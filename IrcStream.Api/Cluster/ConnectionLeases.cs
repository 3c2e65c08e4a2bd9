using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The leases this node holds on the IRC connections it owns. A lease is <c>{prefix}:{id}:lease</c> holding a token
/// unique to this node and this acquire, with a PX expiry of <see cref="Duration"/>, renewed every heartbeat (a second)
/// by a compare-and-pexpire script. The event log's appends are fenced by the same token, so a node whose lease
/// expired or was taken can never write into the log again; when a renewal finds the token gone, the node stops and
/// closes the connection (<see cref="RedisConnectionDirectory.RenewAsync"/>).
/// </summary>
internal sealed class ConnectionLeases(IConnectionMultiplexer redis, RedisKeys keys, GatewayNode node, IOptions<IrcStreamOptions> options) : ILeaseTokens
{
    /// <summary>How long a lease lasts without renewal (<c>IrcStream:Redis:LeaseTimeout</c>): many heartbeats, so a slow beat or two does not lose it.</summary>
    public TimeSpan Duration { get; } = options.Value.Redis.LeaseTimeout;

    // KEYS: lease. ARGV: token.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>The token this node holds for the connection, to fence its appends; null when it holds none.</summary>
    public string? TokenOf(string connectionId) => _tokens.GetValueOrDefault(connectionId);

    /// <summary>The leases held now, by connection id.</summary>
    public IReadOnlyCollection<KeyValuePair<string, string>> Held => _tokens.ToArray();

    /// <summary>Takes the lease on a new connection; false when some node holds it already.</summary>
    public async Task<bool> AcquireAsync(string connectionId)
    {
        var token = $"{node.Id}:{Guid.NewGuid():N}";
        if (!await _db.StringSetAsync(keys.Lease(connectionId), token, Duration, When.NotExists).ConfigureAwait(false)) return false;
        _tokens[connectionId] = token;
        return true;
    }

    /// <summary>Stops renewing the lease; it is left to expire, since its holder no longer writes.</summary>
    public void Drop(string connectionId) => _tokens.TryRemove(connectionId, out _);

    /// <summary>Gives the lease up at once (the connection was closed for good).</summary>
    public async Task ReleaseAsync(string connectionId)
    {
        if (_tokens.TryRemove(connectionId, out var token))
            await _db.ScriptEvaluateAsync(ReleaseScript, [keys.Lease(connectionId)], [token]).ConfigureAwait(false);
    }
}

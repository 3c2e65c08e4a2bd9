using System.Security.Cryptography;
using System.Text;
using IrcStream.Api.Configuration;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Sessions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Sessions in Redis, shared by every node. A session is a hash under the SHA-256 of its cookie (the cookie itself is
/// never stored) holding its client address and its connection ids, with a PX expiry of <c>SessionIdleTimeout</c>
/// that every request renews, and that <see cref="SessionKeepAlive"/> renews while a stream or poll is open on
/// this node. Two sorted sets count live sessions, gateway-wide and per client address, with each session's expiry
/// time as its score, so every node counts the same sessions and an expired one drops out by itself. Each change
/// is one Lua script, so two nodes never both take the last slot. The scripts touch keys of several sessions, so
/// they need one Redis (with replicas or Sentinel if wanted), not Redis Cluster.
/// </summary>
internal sealed class RedisSessionStore(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<IrcStreamOptions> options,
    SessionKeepAlive keepAlive,
    ILogger<RedisSessionStore> logger,
    IRebuildWindow? rebuild = null,
    ServedSessions? served = null) : ISessionStore
{

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly SessionKeepAlive _keepAlive = keepAlive;
    private readonly IRebuildWindow? _rebuild = rebuild;
    private readonly TimeSpan _idle = options.Value.SessionIdleTimeout;

    public int Count => _keepAlive.LiveSessions;

    public async ValueTask<SessionResolution> ResolveAsync(string? cookie, string clientAddress, bool mayCreate, CancellationToken cancellationToken)
    {
        if (cookie is not null)
        {
            var hash = SessionCookie.Hash(cookie);
            if (await _keepAlive.TouchAsync(keys.SessionByHash(hash)) is { } found)
                return SessionResolution.Found(new RedisSession(this, keys.SessionByHash(hash), hash, found.ConnectionIds));
            // Gone from a Redis that lost its data: the nodes may be putting it back; neither "none" nor a new cookie.
            if (_rebuild is not null && await _rebuild.MayBeRebuildingAsync()) throw new RedisRebuildingException();
            served?.Forget(keys.SessionByHash(hash));
        }
        if (!mayCreate) return SessionResolution.Refused(SessionRefusal.NotFound);

        var value = SessionCookie.NewValue();
        var created = SessionCookie.Hash(value);
        var key = keys.SessionByHash(created);
        var outcome = (int)await _db.ScriptEvaluateAsync(RedisScripts.SessionCreate,
            [key, keys.Sessions, keys.SessionsFrom(clientAddress)],
            [(long)_idle.TotalMilliseconds, options.Value.MaxSessions, options.Value.MaxSessionsPerAddress, clientAddress]);
        switch (outcome)
        {
            case 1: return SessionResolution.Refused(SessionRefusal.GatewayFull);
            case 2: return SessionResolution.Refused(SessionRefusal.AddressFull);
        }
        var session = new RedisSession(this, key, created, []);
        served?.Renewed(key, clientAddress);
        GatewayLogMessages.SessionStarted(logger, session.Tag);
        return SessionResolution.Created(session, value);
    }

    private sealed class RedisSession(RedisSessionStore store, RedisKey key, string hash, IReadOnlyList<string> connectionIds) : IBrowserSession
    {
        // The ids as of this request (its own adds and removes included): one round trip per request, not per question.
        private List<string> _ids = [.. connectionIds];

        public string Hash => hash;

        public string Tag => hash[..12];

        public ValueTask<IReadOnlyList<string>> ConnectionIdsAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<string>>(_ids.ToArray());

        public async ValueTask<bool> HoldsAsync(string connectionId, CancellationToken cancellationToken)
        {
            if (_ids.Contains(connectionId)) return true;
            // Right after Redis lost its data, another node may have put the session back before the node holding the
            // connection put it in: looked at (one round trip) before this node's own heartbeat noticed the loss.
            if (store._rebuild is { } rebuild && await rebuild.MayBeRebuildingAsync()) throw new RedisRebuildingException();
            return false;
        }

        public async ValueTask<SessionAddOutcome> TryAddAsync(string connectionId, int maxConnections, CancellationToken cancellationToken)
        {
            var outcome = (SessionAddOutcome)(int)await store._db.ScriptEvaluateAsync(RedisScripts.SessionAddConnection, [key], [connectionId, maxConnections]);
            if (outcome == SessionAddOutcome.Added) _ids.Add(connectionId);
            return outcome;
        }

        public async ValueTask<bool> RemoveAsync(string connectionId, CancellationToken cancellationToken)
        {
            _ids.Remove(connectionId);
            return (int)await store._db.ScriptEvaluateAsync(RedisScripts.SessionRemoveConnection, [key], [connectionId]) == 1;
        }

        public IDisposable BeginActivity() => store._keepAlive.Begin(key);
    }
}

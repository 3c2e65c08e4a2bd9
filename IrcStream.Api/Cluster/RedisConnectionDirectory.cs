using System.Collections.Concurrent;
using System.Globalization;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Connection records in Redis, so every node can list and describe every connection: <c>{prefix}:{id}:conn</c> is a
/// hash with the session it belongs to, its owner node, server, TLS, state, nick and channels. The owner writes it
/// when it opens the connection and again every heartbeat in the same script that renews its lease, which also
/// looks whether the connection's session still exists: when the session has expired the owner closes the
/// connection with QUIT; when the lease is gone (another node holds it, or it expired while this node could not
/// reach Redis) the owner stops and closes it. A record without a live lease describes a closed connection.
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
    IOptions<IrcStreamOptions> options,
    ILogger<RedisConnectionDirectory> logger) : IConnectionDirectory
{
    // KEYS: lease, record, session. ARGV: token, lease ms, record ms, state, nick, channels.
    // -1: the lease is not this node's any more; 0: the session has expired; 1: renewed.
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
        redis.call('HSET', KEYS[2], 'state', ARGV[4], 'nick', ARGV[5], 'channels', ARGV[6])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 1
        """;

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ConcurrentDictionary<string, string> _sessionOf = new(StringComparer.Ordinal);

    // A record outlives a silent owner by the session's idle timeout, then goes with it.
    private readonly long _recordMilliseconds = (long)(options.Value.SessionIdleTimeout + leases.Duration).TotalMilliseconds;

    public async ValueTask RegisterAsync(IIrcConnection connection, IBrowserSession session, CancellationToken cancellationToken)
    {
        var id = connection.Options.ConnectionId;
        if (!await leases.AcquireAsync(id).ConfigureAwait(false))
            throw new InvalidOperationException($"Connection id {id} is already owned by another node.");
        _sessionOf[id] = session.Hash;
        var record = keys.Connection(id);
        var batch = _db.CreateBatch();
        var written = batch.HashSetAsync(record, [.. Fields(connection), new("session", session.Hash), new("owner", node.Id)]);
        var expiry = batch.KeyExpireAsync(record, TimeSpan.FromMilliseconds(_recordMilliseconds));
        batch.Execute();
        await Task.WhenAll(written, expiry).ConfigureAwait(false);
    }

    public async ValueTask<ConnectionDto?> DescribeAsync(string connectionId, CancellationToken cancellationToken) =>
        (await DescribeAsync([connectionId], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

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
            var fields = (await read.Record.ConfigureAwait(false)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            if (fields.Count == 0) continue;
            var newest = await read.Newest.ConfigureAwait(false);
            var state = await read.Leased.ConfigureAwait(false) ? fields.GetValueOrDefault("state") ?? "closed" : "closed";
            described.Add(new ConnectionDto(
                read.Id,
                fields.GetValueOrDefault("server") ?? "",
                fields.GetValueOrDefault("tls") == "1",
                state,
                fields.GetValueOrDefault("nick") is { Length: > 0 } nick ? nick : null,
                (fields.GetValueOrDefault("channels") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
                newest.Length == 0 ? 0 : SeqOf(newest[0].Id)));
        }
        return described;
    }

    public async ValueTask ForgetAsync(string connectionId, CancellationToken cancellationToken)
    {
        _sessionOf.TryRemove(connectionId, out _);
        // The log's last events (CLOSED) and its end mark are written under the lease: give it up only after them.
        await eventLogs.DrainAsync(connectionId).ConfigureAwait(false);
        await leases.ReleaseAsync(connectionId).ConfigureAwait(false);
        await _db.KeyDeleteAsync(keys.Connection(connectionId)).ConfigureAwait(false);
    }

    /// <summary>
    /// One heartbeat: renews the lease and the record of every connection this node owns, closes (with QUIT) those
    /// whose session has expired, and stops those whose lease is gone. Returns how many renewals failed.
    /// </summary>
    public async Task<int> RenewAsync()
    {
        var batch = _db.CreateBatch();
        var renewals = new List<(string Id, Task<RedisResult> Outcome)>();
        foreach (var (id, token) in leases.Held)
        {
            if (owned.Find(id) is not { } connection || !_sessionOf.TryGetValue(id, out var session)) continue;
            var state = ConnectionDto.StateName(connection.State);
            renewals.Add((id, batch.ScriptEvaluateAsync(RenewScript, [keys.Lease(id), keys.Connection(id), keys.SessionByHash(session)],
                [token, (long)leases.Duration.TotalMilliseconds, _recordMilliseconds, state, connection.CurrentNick ?? "", string.Join(' ', connection.Channels)])));
        }
        batch.Execute();
        var failed = 0;
        foreach (var (id, outcome) in renewals)
        {
            int result;
            try
            {
                result = (int)await outcome.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not lost yet: the lease lasts many heartbeats; the next one tries again.
                failed++;
                logger.LogWarning(ex, "Renewing the lease on connection {ConnectionId} failed", id);
                continue;
            }
            if (result == 1) continue;
            if (owned.Take(id) is not { } connection) continue;
            if (result == 0)
            {
                GatewayLog.SessionEnded(logger, _sessionOf.TryGetValue(id, out var hash) ? hash[..12] : "?", "Expired", 1);
                closer.CloseInBackground([connection], "Session expired", closed => ForgetAsync(closed, CancellationToken.None).AsTask());
            }
            else
            {
                failed++;
                logger.LogWarning("Connection {ConnectionId}: this node's lease is gone; it stops writing and closes the connection", id);
                leases.Drop(id);
                _sessionOf.TryRemove(id, out _);
                closer.CloseInBackground([connection], "Gateway node lost ownership");
            }
        }
        return failed;
    }

    /// <summary>The record: what lists the connection, and what a node needs to open it again (the secrets encrypted).</summary>
    private IEnumerable<HashEntry> Fields(IIrcConnection connection)
    {
        var options = connection.Options;
        yield return new("server", options.Endpoint);
        yield return new("tls", options.Tls ? "1" : "0");
        yield return new("state", ConnectionDto.StateName(connection.State));
        yield return new("nick", connection.CurrentNick ?? "");
        yield return new("channels", string.Join(' ', connection.Channels));
        yield return new("requested-nick", options.Nick ?? "");
        yield return new("username", options.Username ?? "");
        yield return new("realname", options.Realname ?? "");
        yield return new("requested-channels", string.Join(' ', options.Channels));
        if (secrets.Protect(options.Password) is { } password) yield return new("password", password);
        if (options.Sasl is { } sasl)
        {
            yield return new("sasl-account", sasl.Account);
            yield return new("sasl-password", secrets.Protect(sasl.Password));
        }
    }

    /// <summary>The server and SASL passwords of a connection, decrypted from its record (any node can); nulls when it has none.</summary>
    public async Task<(string? Password, string? SaslPassword)> ReadSecretsAsync(string connectionId)
    {
        var fields = await _db.HashGetAsync(keys.Connection(connectionId), ["password", "sasl-password"]).ConfigureAwait(false);
        return (secrets.Unprotect(fields[0]), secrets.Unprotect(fields[1]));
    }

    /// <summary>The seq of a log entry: its id is <c>{seq}-0</c>.</summary>
    private static long SeqOf(RedisValue entryId)
    {
        var id = (string)entryId!;
        return long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}

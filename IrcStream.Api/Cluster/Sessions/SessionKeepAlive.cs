using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Renews Redis sessions: on every request (<see cref="TouchAsync"/>), and, for sessions with an open stream or a
/// waiting poll on this node, every third of the idle timeout for as long as they last, so such a session never
/// expires whichever node its other requests reach. Also keeps the count of live sessions for the gauge.
/// </summary>
internal sealed class SessionKeepAlive(IConnectionMultiplexer redis, RedisKeys keys, IOptions<IrcStreamOptions> options, TimeProvider time, ServedSessions? served = null)
{

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly TimeSpan _idle = options.Value.SessionIdleTimeout;
    private readonly ConcurrentDictionary<RedisKey, Active> _active = new();
    private int _liveSessions;

    /// <summary>How often <see cref="RenewAsync"/> should run: well inside the idle timeout.</summary>
    public TimeSpan RenewInterval => _idle / 3;

    /// <summary>Sessions alive in Redis (all nodes) when last counted.</summary>
    public int LiveSessions => Volatile.Read(ref _liveSessions);

    /// <summary>Restarts the session's idle clock; its address and connection ids, or null when it has expired.</summary>
    public async Task<(string Address, string[] ConnectionIds)?> TouchAsync(RedisKey session)
    {
        var result = await _db.ScriptEvaluateAsync(RedisScripts.SessionTouch, [session, keys.Sessions], [(long)_idle.TotalMilliseconds, keys.SessionsFromPrefix]);
        if (result.IsNull) return null;
        var fields = (RedisResult[])result!;
        var connections = (string?)fields[1] ?? "";
        var address = (string)fields[0]!;
        served?.Renewed(session, address);
        return (address, connections.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Keeps the session alive until the returned scope is disposed.</summary>
    public IDisposable Begin(RedisKey session)
    {
        _active.AddOrUpdate(session, _ => new Active(time.GetTimestamp()), (_, active) => active.Add());
        return new Scope(this, session);
    }

    /// <summary>Renews every session in use on this node whose last renewal is a third of the idle timeout old, and counts the live ones.</summary>
    public async Task RenewAsync()
    {
        foreach (var (session, active) in _active)
        {
            if (time.GetElapsedTime(active.Renewed) < RenewInterval) continue;
            _active.TryUpdate(session, active with { Renewed = time.GetTimestamp() }, active);
            await TouchAsync(session).ConfigureAwait(false);
        }
        var t = await _db.ExecuteAsync("TIME").ConfigureAwait(false);
        var now = (long)((RedisResult[])t!)[0] * 1000;
        Volatile.Write(ref _liveSessions, (int)await _db.SortedSetLengthAsync(keys.Sessions, now, double.PositiveInfinity).ConfigureAwait(false));
    }

    private void End(RedisKey session)
    {
        while (_active.TryGetValue(session, out var active))
        {
            if (active.Count > 1 ? _active.TryUpdate(session, active.Remove(), active) : _active.TryRemove(new(session, active))) break;
        }
        // The idle clock starts again from the end of the stream or poll.
        _ = TouchAsync(session);
    }

    private sealed record Active(long Renewed, int Count = 1)
    {
        public Active Add() => this with { Count = Count + 1 };

        public Active Remove() => this with { Count = Count - 1 };
    }

    private sealed class Scope(SessionKeepAlive keepAlive, RedisKey session) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) keepAlive.End(session);
        }
    }
}

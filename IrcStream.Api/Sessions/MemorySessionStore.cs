using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace IrcStream.Api.Sessions;

/// <summary>
/// Sessions in <see cref="IMemoryCache"/> keyed by the <c>ircstream_session</c> cookie: the store of a gateway that
/// runs alone. The sliding expiration is the session's own idle clock, attached to the entry as a
/// <see cref="CancellationChangeToken"/>, so the entry expires on time without anyone touching the cache. The
/// eviction callback only hands the session's connections to <see cref="ConnectionCloser"/>, which closes them
/// outside the cache's callback. A new session needs a slot in <see cref="Limits"/>; it gives the slot back when
/// it leaves <see cref="Live"/> (eviction, whatever the reason, or shutdown), and only the path that removes it
/// from there does, so a slot is given back exactly once.
/// </summary>
internal sealed class MemorySessionStore(
    IMemoryCache cache,
    IOptions<IrcStreamOptions> options,
    OwnedConnections owned,
    ConnectionCloser closer,
    TimeProvider time,
    ILogger<MemorySessionStore> logger) : ISessionStore, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, MemorySession> _live = new(StringComparer.Ordinal);

    /// <summary>Sessions not yet expired.</summary>
    public IEnumerable<MemorySession> Live => _live.Values;

    public int Count => _live.Count;

    public SessionLimits Limits { get; } = new(options.Value.MaxSessions, options.Value.MaxSessionsPerAddress);

    public ValueTask<SessionResolution> ResolveAsync(string? cookie, string clientAddress, bool mayCreate, CancellationToken cancellationToken)
    {
        if (cookie is not null && cache.TryGetValue(cookie, out MemorySession? existing) && existing is not null && existing.TryTouch())
            return ValueTask.FromResult(SessionResolution.Found(existing));
        if (!mayCreate) return ValueTask.FromResult(SessionResolution.Refused(SessionRefusal.NotFound));
        switch (Limits.TryTake(clientAddress))
        {
            case SessionLimits.Outcome.AddressFull:
                return ValueTask.FromResult(SessionResolution.Refused(SessionRefusal.AddressFull));
            case SessionLimits.Outcome.GatewayFull:
                return ValueTask.FromResult(SessionResolution.Refused(SessionRefusal.GatewayFull));
        }
        var session = Create(clientAddress);
        return ValueTask.FromResult(SessionResolution.Created(session, session.Id));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>As the host stops (after GatewayShutdown, registered later, closed the node's connections): every session ends and gives its slot back.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        EndAll();
        return Task.CompletedTask;
    }

    public void Dispose() => EndAll();

    private void EndAll()
    {
        foreach (var id in _live.Keys)
        {
            if (_live.TryRemove(id, out var session))
            {
                Limits.Return(session.ClientAddress);
                session.End();
                session.Dispose();
            }
        }
    }

    private MemorySession Create(string address)
    {
        var session = new MemorySession(SessionCookie.NewValue(), address, options.Value.SessionIdleTimeout, time);
        // In Live before it is in the cache, so its eviction always finds it there and gives its slot back.
        _live[session.Id] = session;
        using (var entry = cache.CreateEntry(session.Id))
        {
            entry.Value = session;
            entry.AddExpirationToken(new CancellationChangeToken(session.Expired));
            entry.RegisterPostEvictionCallback(static (_, value, reason, state) => ((MemorySessionStore)state!).OnEvicted((MemorySession)value!, reason), this);
        }
        session.StartIdleClock();
        GatewayLogMessages.SessionStarted(logger, session.Tag);
        return session;
    }

    private void OnEvicted(MemorySession session, EvictionReason reason)
    {
        if (_live.TryRemove(session.Id, out _)) Limits.Return(session.ClientAddress);
        var connections = owned.Take(session.End());
        GatewayLogMessages.SessionEnded(logger, session.Tag, reason.ToString(), connections.Count);
        closer.CloseInBackground(connections, "Session expired");
        session.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Http;
using IrcStream.Domain.Connections;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace IrcStream.Api.Sessions;

/// <summary>
/// Sessions in <see cref="IMemoryCache"/> keyed by the <c>ircstream_session</c> cookie. The sliding expiration is
/// the session's own idle clock, attached to the entry as a <see cref="CancellationChangeToken"/>, so the entry
/// expires on time without anyone touching the cache. The eviction callback only hands the connections to
/// <see cref="ConnectionCloser"/>, which closes them outside the cache's callback. A new session needs a slot in
/// <see cref="Limits"/>; it gives the slot back when it leaves <see cref="Live"/> (eviction, whatever the reason, or
/// shutdown), and only the path that removes it from there does, so a slot is given back exactly once.
/// </summary>
internal sealed class SessionStore(
    IMemoryCache cache,
    IOptions<IrcStreamOptions> options,
    ConnectionCloser closer,
    TimeProvider time,
    ILogger<SessionStore> logger)
{
    public const string CookieName = "ircstream_session";
    private const int IdBytes = 32;
    private static readonly int IdLength = Base64UrlLength(IdBytes);

    private readonly ConcurrentDictionary<string, Session> _live = new(StringComparer.Ordinal);

    /// <summary>Sessions not yet expired (for metrics, which count them and their connections).</summary>
    public IEnumerable<Session> Live => _live.Values;

    public SessionLimits Limits { get; } = new(options.Value.MaxSessions, options.Value.MaxSessionsPerAddress);

    /// <summary>
    /// The request's session, or a new one with its cookie set on the response; false, with the problem to answer,
    /// when a new one is needed and the gateway or the client's address already holds as many as it may.
    /// </summary>
    public bool TryResolve(HttpContext context, [NotNullWhen(true)] out Session? session, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var id)
            && id is not null && id.Length == IdLength
            && cache.TryGetValue(id, out Session? existing) && existing is not null
            && existing.TryTouch())
        {
            session = existing;
            refusal = null;
            return true;
        }
        var address = ClientAddress(context);
        switch (Limits.TryTake(address))
        {
            case SessionLimits.Outcome.AddressFull:
                session = null;
                refusal = Problems.TooManySessionsFromAddress(Limits.MaxPerAddress, options.Value.SessionIdleTimeout);
                return false;
            case SessionLimits.Outcome.GatewayFull:
                session = null;
                refusal = Problems.GatewayFull();
                return false;
        }
        session = Create(address);
        context.Response.Cookies.Append(CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
            IsEssential = true,
        });
        refusal = null;
        return true;
    }

    /// <summary>Ends every live session as the host stops and gives back their slots; returns their connections, now the caller's to close.</summary>
    public IReadOnlyList<IIrcConnection> EndAll()
    {
        var connections = new List<IIrcConnection>();
        foreach (var id in _live.Keys)
        {
            if (_live.TryRemove(id, out var session))
            {
                Limits.Return(session.ClientAddress);
                connections.AddRange(session.End());
            }
        }
        return connections;
    }

    private Session Create(string address)
    {
        var idleTimeout = options.Value.SessionIdleTimeout;
        var session = new Session(NewId(), address, idleTimeout, time);
        // In Live before it is in the cache, so its eviction always finds it there and gives its slot back.
        _live[session.Id] = session;
        using (var entry = cache.CreateEntry(session.Id))
        {
            entry.Value = session;
            entry.AddExpirationToken(new CancellationChangeToken(session.Expired));
            entry.RegisterPostEvictionCallback(static (_, value, reason, state) => ((SessionStore)state!).OnEvicted((Session)value!, reason), this);
        }
        session.StartIdleClock();
        GatewayLog.SessionStarted(logger, GatewayLog.SessionTag(session.Id));
        return session;
    }

    private void OnEvicted(Session session, EvictionReason reason)
    {
        if (_live.TryRemove(session.Id, out _)) Limits.Return(session.ClientAddress);
        var connections = session.End();
        GatewayLog.SessionEnded(logger, GatewayLog.SessionTag(session.Id), reason.ToString(), connections.Count);
        closer.CloseInBackground(connections, "Session expired");
        session.Dispose();
    }

    /// <summary>The client's address as the rate limit sees it (after trusted forwarded headers), IPv4-mapped shown as IPv4.</summary>
    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "unknown";

    private static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(IdBytes));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int Base64UrlLength(int bytes) => (bytes * 4 + 2) / 3;
}

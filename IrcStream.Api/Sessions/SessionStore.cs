using System.Collections.Concurrent;
using System.Security.Cryptography;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace IrcStream.Api.Sessions;

/// <summary>
/// Sessions in <see cref="IMemoryCache"/> keyed by the <c>ircstream_session</c> cookie. The sliding expiration is
/// the session's own idle clock, attached to the entry as a <see cref="CancellationChangeToken"/>, so the entry
/// expires on time without anyone touching the cache. The eviction callback only hands the connections to
/// <see cref="ConnectionCloser"/>, which closes them outside the cache's callback.
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

    /// <summary>Sessions not yet expired (for shutdown, which must reach every connection).</summary>
    public IEnumerable<Session> Live => _live.Values;

    /// <summary>The request's session, or a new one with its cookie set on the response.</summary>
    public Session Resolve(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var id)
            && id is not null && id.Length == IdLength
            && cache.TryGetValue(id, out Session? existing) && existing is not null
            && existing.TryTouch())
        {
            return existing;
        }
        var session = Create();
        context.Response.Cookies.Append(CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
            IsEssential = true,
        });
        return session;
    }

    private Session Create()
    {
        var idleTimeout = options.Value.SessionIdleTimeout;
        var session = new Session(NewId(), idleTimeout, time);
        using (var entry = cache.CreateEntry(session.Id))
        {
            entry.Value = session;
            entry.AddExpirationToken(new CancellationChangeToken(session.Expired));
            entry.RegisterPostEvictionCallback(static (_, value, reason, state) => ((SessionStore)state!).OnEvicted((Session)value!, reason), this);
        }
        _live[session.Id] = session;
        session.StartIdleClock();
        GatewayLog.SessionStarted(logger, GatewayLog.SessionTag(session.Id));
        return session;
    }

    private void OnEvicted(Session session, EvictionReason reason)
    {
        _live.TryRemove(session.Id, out _);
        var connections = session.End();
        GatewayLog.SessionEnded(logger, GatewayLog.SessionTag(session.Id), reason.ToString(), connections.Count);
        closer.CloseInBackground(connections, "Session expired");
        session.Dispose();
    }

    private static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(IdBytes));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int Base64UrlLength(int bytes) => (bytes * 4 + 2) / 3;
}

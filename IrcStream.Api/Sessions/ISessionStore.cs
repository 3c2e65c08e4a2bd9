using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IrcStream.Api.Sessions;

/// <summary>
/// Where sessions live: in this process's memory (<see cref="MemorySessionStore"/>) or in Redis, shared by every
/// node. Chosen once at start-up; handlers only see <see cref="IBrowserSession"/>.
/// </summary>
internal interface ISessionStore
{
    /// <summary>
    /// The session named by <paramref name="cookie"/>, or, when it names none and <paramref name="mayCreate"/>, a new
    /// one for <paramref name="clientAddress"/> with its cookie value; a refusal when a new one is needed and the
    /// session limits are reached (or creating is not allowed).
    /// </summary>
    ValueTask<SessionResolution> ResolveAsync(string? cookie, string clientAddress, bool mayCreate, CancellationToken cancellationToken);

    /// <summary>Sessions alive now, as far as this node knows (for the metrics gauge).</summary>
    int Count { get; }
}

/// <summary>What <see cref="ISessionStore.ResolveAsync"/> found: a session (with a new cookie when it made one) or a refusal.</summary>
internal readonly record struct SessionResolution(IBrowserSession? Session, string? NewCookie, SessionRefusal Refusal)
{
    public static SessionResolution Found(IBrowserSession session) => new(session, null, SessionRefusal.None);

    public static SessionResolution Created(IBrowserSession session, string cookie) => new(session, cookie, SessionRefusal.None);

    public static SessionResolution Refused(SessionRefusal refusal) => new(null, null, refusal);

    [MemberNotNullWhen(true, nameof(Session))]
    public bool Succeeded => Session is not null;
}

internal enum SessionRefusal { None, GatewayFull, AddressFull, NotFound }

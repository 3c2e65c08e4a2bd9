using System.Runtime.CompilerServices;
using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Connections;
using Microsoft.Extensions.Caching.Memory;

namespace IrcStream.Api.Admin;

/// <summary>The admin view of a gateway that runs alone: every connection is one it holds, every session one in its memory.</summary>
internal sealed class LocalAdminConnections(
    OwnedConnections owned, MemorySessionStore sessions, IMemoryCache cache, AdminCloser closer) : IAdminConnections
{
    // Held as long as the connection object lives, and no longer.
    private readonly ConditionalWeakTable<IIrcConnection, ConnectionFacts> _facts = [];

    public Task RecordAsync(IIrcConnection connection, ConnectionFacts facts)
    {
        _facts.AddOrUpdate(connection, facts);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AdminConnection>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AdminConnection>>([.. owned.All.Select(c => Describe(c, _facts.TryGetValue(c, out var facts) ? facts : null))]);

    public async Task<IResult?> CloseAsync(string connectionId, string reason, HttpContext http, bool hereOnly)
    {
        if (owned.Find(connectionId) is not { } connection) return AdminProblems.ConnectionNotFound(connectionId);
        if (_facts.TryGetValue(connection, out var facts) && Session(facts.SessionHash) is { } session)
            await session.RemoveAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
        return await closer.CloseHereAsync(connectionId, reason).ConfigureAwait(false) ? null : AdminProblems.ConnectionNotFound(connectionId);
    }

    public async Task<int?> EndSessionAsync(string sessionHash, string reason, HttpContext http)
    {
        if (Session(sessionHash) is not { } session) return null;
        var closed = await Task.WhenAll(session.End().Select(id => closer.CloseHereAsync(id, reason))).ConfigureAwait(false);
        // Its eviction gives its slot back; its connections are closed already.
        cache.Remove(session.Id);
        return closed.Count(c => c);
    }

    private MemorySession? Session(string hash) => sessions.Live.FirstOrDefault(s => s.Hash == hash);

    internal static AdminConnection Describe(IIrcConnection connection, ConnectionFacts? facts, string? node = null) => new(
        connection.Options.ConnectionId,
        connection.CurrentNick,
        connection.Options.Endpoint,
        connection.Channels.ToArray(),
        facts?.ClientAddress,
        facts?.Created,
        ConnectionDto.StateName(connection.State),
        node,
        facts?.SessionHash ?? "");
}

using IrcStream.Domain.Connections;

namespace IrcStream.Api.Admin;

/// <summary>
/// The admin API's view of every connection and session, and its way of closing them: in this process
/// (<see cref="LocalAdminConnections"/>) or, in Redis mode, on whichever node holds them (<see cref="RedisAdminConnections"/>).
/// Chosen once at start-up.
/// </summary>
internal interface IAdminConnections
{
    /// <summary>Notes who opened a connection this node has just opened.</summary>
    Task RecordAsync(IIrcConnection connection, ConnectionFacts facts);

    /// <summary>Every connection of the gateway, on every node.</summary>
    Task<IReadOnlyList<AdminConnection>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes a connection (the user reads <paramref name="reason"/> in its log), here or on the node that holds it; null
    /// when done, otherwise the answer to give (404, or the other node's answer). <paramref name="hereOnly"/>: a request
    /// another node forwarded, answered here.
    /// </summary>
    Task<IResult?> CloseAsync(string connectionId, string reason, HttpContext http, bool hereOnly);

    /// <summary>Ends a session (by the SHA-256 of its cookie) and closes its connections; how many, or null when there is no such session.</summary>
    Task<int?> EndSessionAsync(string sessionHash, string reason, HttpContext http);
}

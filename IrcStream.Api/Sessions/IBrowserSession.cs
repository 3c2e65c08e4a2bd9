namespace IrcStream.Api.Sessions;

/// <summary>
/// One browser's session as a request sees it: which IRC connections it holds (by id) and its idle clock. The
/// connections themselves live on the node that owns them (<see cref="Connections.OwnedConnections"/>); a
/// session only names them, so any node can answer for it.
/// </summary>
internal interface IBrowserSession
{
    /// <summary>The SHA-256 of the cookie, in hex: names the session wherever the cookie itself must not appear.</summary>
    string Hash { get; }

    /// <summary>A short tag naming the session in logs (the start of <see cref="Hash"/>).</summary>
    string Tag { get; }

    /// <summary>The ids of the session's connections, oldest first.</summary>
    ValueTask<IReadOnlyList<string>> ConnectionIdsAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="connectionId"/> is one of the session's connections.</summary>
    ValueTask<bool> HoldsAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Adds a connection id unless the session already holds <paramref name="maxConnections"/> or has ended.</summary>
    ValueTask<SessionAddOutcome> TryAddAsync(string connectionId, int maxConnections, CancellationToken cancellationToken);

    /// <summary>Removes a connection id; false when the session did not hold it.</summary>
    ValueTask<bool> RemoveAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Keeps the session alive until the returned scope is disposed (an open stream or a waiting poll).</summary>
    IDisposable BeginActivity();
}

internal enum SessionAddOutcome { Added, Full, Ended }

using IrcStream.Api.Sessions;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>
/// What every node can tell about a connection, whichever node owns it: its contract object. A gateway that runs
/// alone describes the connections it holds (<see cref="LocalConnectionDirectory"/>); in Redis mode each connection
/// has a record there. Chosen once at start-up.
/// </summary>
internal interface IConnectionDirectory
{
    /// <summary>
    /// What the connection asks before each write to its socket (<see cref="IrcConnectionOptions.WriteFence"/>): in Redis
    /// mode, whether this node still holds its lease; null for a gateway that runs alone, which always may.
    /// </summary>
    Func<bool>? WriteFence(string connectionId);

    /// <summary>What the connection tells after each write of user lines (<see cref="IrcConnectionOptions.UserLinesWritten"/>); null when nobody needs to know.</summary>
    Action<long>? LinesWritten(string connectionId);

    /// <summary>
    /// The user's <paramref name="lines"/> were queued (numbered up to <paramref name="lastNumber"/>): in Redis mode they
    /// are kept there until written, so a node that takes the connection over after a crash reports those never sent.
    /// </summary>
    ValueTask LinesQueuedAsync(string connectionId, long lastNumber, IReadOnlyList<string> lines);

    /// <summary>Records a connection this node has just made for <paramref name="session"/>, before it starts.</summary>
    ValueTask RegisterAsync(IIrcConnection connection, IBrowserSession session, CancellationToken cancellationToken);

    /// <summary>The connection's contract object; null when no node knows it (any more).</summary>
    ValueTask<ConnectionDto?> DescribeAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>The contract objects of those of <paramref name="connectionIds"/> that still exist, in that order.</summary>
    ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken);

    /// <summary>Forgets a connection that was closed for good (deleted, or its session ended).</summary>
    ValueTask ForgetAsync(string connectionId, CancellationToken cancellationToken);
}

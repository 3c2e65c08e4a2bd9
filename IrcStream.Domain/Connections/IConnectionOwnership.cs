namespace IrcStream.Domain.Connections;

/// <summary>
/// A gateway node's hold on a connection that several nodes could hold (the gateway's Redis mode), given to the
/// connection when it is opened: what it asks before each write to its socket, and what it tells after each write of
/// the user's lines. A connection opened without one belongs to a gateway that runs alone, which always may write.
/// </summary>
public interface IConnectionOwnership
{
    /// <summary>
    /// False when this node may no longer speak for the user (its hold may have passed to another node): the socket
    /// ends without writing, without QUIT, and is not reconnected.
    /// </summary>
    bool MayWrite { get; }

    /// <summary>
    /// The user's lines up to <paramref name="number"/> (numbered 1, 2, … as they are queued; <see cref="SendResult.LastNumber"/>)
    /// reached the server. Called on the writer loop: it must not block.
    /// </summary>
    void UserLinesWritten(long number);
}

namespace IrcStream.Domain.Connections;

/// <summary>
/// A gateway node's hold on a connection that several nodes could hold (the gateway's Redis mode), given to the
/// connection when it is opened: what it asks before each write to its socket, and what it tells after each write of
/// the user's lines. A connection opened without one belongs to a gateway that runs alone, which always may write.
/// </summary>
public interface IConnectionOwnership
{
    /// <summary>
    /// False when this node cannot tell now whether it may still speak for the user (its hold could not be confirmed
    /// lately, and may have passed to another node): nothing is written, and no socket opened, until it is true again;
    /// a node that learns it lost the hold lets the connection go (<see cref="IIrcConnection.LetGoAsync"/>), and the
    /// lines waiting are reported as not sent.
    /// </summary>
    bool MayWrite { get; }

    /// <summary>
    /// The user's lines up to <paramref name="number"/> (numbered 1, 2, … as they are queued; <see cref="SendResult.LastNumber"/>)
    /// reached the server. Called on the writer loop: it must not block.
    /// </summary>
    void UserLinesWritten(long number);
}

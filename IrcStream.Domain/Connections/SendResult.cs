namespace IrcStream.Domain.Connections;

public enum SendOutcome
{
    /// <summary>Every line was queued.</summary>
    Queued,
    /// <summary>A line breaks the protocol; nothing was queued.</summary>
    Invalid,
    /// <summary>The socket is not open; nothing was queued.</summary>
    NotOpen,
    /// <summary>The outgoing queue has no room for all lines; nothing was queued.</summary>
    QueueFull,
    /// <summary>
    /// The gateway node cannot confirm now that it still holds the connection (its shared store is away, so the lines
    /// could not be kept for a node that takes over); nothing was queued, the connection stays up.
    /// </summary>
    HoldUnconfirmed,
}

/// <summary>What became of lines handed to <see cref="IIrcConnection.Send"/>.</summary>
public sealed record SendResult(SendOutcome Outcome, int Queued = 0, string? Reason = null, int? LineIndex = null)
{
    /// <summary>
    /// When queued: the number of the last of the lines; the connection numbers the user's lines 1, 2, … in the order
    /// they are queued, and <see cref="IConnectionOwnership.UserLinesWritten"/> reports the highest written.
    /// </summary>
    public long LastNumber { get; init; }

    public static SendResult Ok(int queued) => new(SendOutcome.Queued, queued);
}

/// <summary>One of the user's lines, with the number the connection gave it as it was queued (<see cref="SendResult.LastNumber"/>).</summary>
public sealed record NumberedLine(long Number, string Text);

/// <summary>
/// The user's lines a connection accepted and has not written yet, in order, and the number of the last user line its
/// socket wrote (0: none yet, or no socket): what the connection's owner holds in memory of the lines it owes the server.
/// </summary>
public sealed record UnwrittenLines(long WrittenUpTo, IReadOnlyList<NumberedLine> Lines)
{
    public static readonly UnwrittenLines None = new(0, []);
}

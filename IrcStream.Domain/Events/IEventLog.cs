namespace IrcStream.Domain.Events;

/// <summary>
/// A connection's events: the producer appends, readers copy what is retained and wait for more. The in-memory
/// <see cref="EventLog"/> is one; a log kept elsewhere (Redis) is another, with the same reading rules.
/// </summary>
public interface IEventLog
{
    /// <summary>The seq of the newest event; 0 when there is none.</summary>
    long LastSeq { get; }

    /// <summary>The seq of the oldest event still kept for readers (LastSeq + 1 when empty).</summary>
    long FirstRetainedSeq { get; }

    /// <summary>True once <see cref="Complete"/> was called: no event will follow.</summary>
    bool IsCompleted { get; }

    /// <summary>Gives the event its seq, stores its JSON and wakes every waiting reader.</summary>
    StoredEvent Append(GatewayEvent gatewayEvent);

    /// <summary>Marks the log finished (after its last event) and wakes every waiting reader.</summary>
    void Complete();

    /// <summary>
    /// The retained events with seq greater than <paramref name="after"/>, at most <paramref name="max"/>,
    /// preceded by a gap event (counted in <paramref name="max"/>) when some of them are no longer retained.
    /// </summary>
    IReadOnlyList<StoredEvent> ReadAfter(long after, int max = int.MaxValue);

    /// <summary>
    /// Reads as a poller does: like <see cref="ReadAfter"/>, and the poller counts as a live reader until it comes
    /// back with the seq of the last event it got, so events it has not read yet are held beyond retention.
    /// </summary>
    IReadOnlyList<StoredEvent> Poll(long after, int max = int.MaxValue);

    /// <summary>A live reader (an open stream) from <paramref name="after"/>; the log holds what it has not read until it is disposed.</summary>
    IEventLogReader OpenReader(long after);

    /// <summary>
    /// Completes when an event with seq greater than <paramref name="after"/> exists (true) or the log is
    /// completed with none (false).
    /// </summary>
    ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken);
}

/// <summary>One live reader of an <see cref="IEventLog"/>: it reads on from where it got to, and lets go when disposed.</summary>
public interface IEventLogReader : IDisposable
{
    /// <summary>The seq of the last event this reader was given (its start position before any).</summary>
    long Position { get; }

    /// <summary>The events after <see cref="Position"/> (a gap first when some are gone), at most <paramref name="max"/>; moves on past them.</summary>
    IReadOnlyList<StoredEvent> Read(int max);
}

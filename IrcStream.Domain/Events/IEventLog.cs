namespace IrcStream.Domain.Events;

/// <summary>
/// A connection's events: the producer appends, readers copy what is retained and wait for more. The in-memory
/// <see cref="EventLog"/> is one; a log kept elsewhere (Redis) is another, with the same reading rules.
/// </summary>
public interface IEventLog
{
    /// <summary>The seq of the newest event; 0 when there is none.</summary>
    long LastSeq { get; }

    /// <summary>True once <see cref="Complete"/> was called: no event will follow.</summary>
    bool IsCompleted { get; }

    /// <summary>Gives the event its seq, stores its JSON and wakes every waiting reader.</summary>
    StoredEvent Append(GatewayEvent gatewayEvent);

    /// <summary>Marks the log finished (after its last event) and wakes every waiting reader.</summary>
    void Complete();

    /// <summary>
    /// Reads as a poller does: the retained events with seq greater than <paramref name="after"/>, at most
    /// <paramref name="max"/>, preceded by a gap event (counted in <paramref name="max"/>) when some of them are no
    /// longer retained; and the poller counts as a live reader until it comes
    /// back with the seq of the last event it got, so events it has not read yet are held beyond retention.
    /// </summary>
    IReadOnlyList<StoredEvent> Poll(long after, int max = int.MaxValue);

    /// <summary>A live reader's cursor (an open stream's) from <paramref name="after"/>; the log holds what the reader has not read until the cursor is disposed.</summary>
    IEventLogCursor OpenCursor(long after);

    /// <summary>
    /// Completes when an event with seq greater than <paramref name="after"/> exists (true) or the log is
    /// completed with none (false).
    /// </summary>
    ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken);
}

/// <summary>Where one live reader of an <see cref="IEventLog"/> got to: it reads on from there, and the log stops holding events for it once disposed.</summary>
public interface IEventLogCursor : IDisposable
{
    /// <summary>The seq of the last event the reader was given (its start position before any).</summary>
    long Position { get; }

    /// <summary>The events after <see cref="Position"/> (a gap first when some are gone), at most <paramref name="max"/>; moves on past them.</summary>
    IReadOnlyList<StoredEvent> Read(int max);
}

namespace IrcStream.Domain.Events;

/// <summary>
/// A connection's events: the producer appends, readers copy what is retained and wait for more. The in-memory
/// <see cref="EventLog"/> is one; a log kept elsewhere (Redis) is another, with the same reading rules.
/// </summary>
public interface IEventLog
{
    /// <summary>The seq of the newest event; 0 when there is none.</summary>
    long LastSeq { get; }

    /// <summary>The seq of the oldest event still retained (LastSeq + 1 when empty).</summary>
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
    /// Completes when an event with seq greater than <paramref name="after"/> exists (true) or the log is
    /// completed with none (false).
    /// </summary>
    ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken);
}

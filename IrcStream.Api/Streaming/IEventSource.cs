using IrcStream.Domain.Events;

namespace IrcStream.Api.Streaming;

/// <summary>One read of a connection's events: those after the resume point (a gap first where some are gone), and whether the log had ended.</summary>
/// <param name="Completed">True when the log was complete as read: no event follows those returned.</param>
internal readonly record struct EventBatch(IReadOnlyList<StoredEvent> Events, bool Completed);

/// <summary>Where a reader (an SSE stream or a poll) reads one connection's events from, wherever they are kept, with the same gap rule.</summary>
internal interface IEventSource
{
    /// <summary>A stream's cursor from <paramref name="after"/>: the stream is a live reader, for whom the log may hold what it has not read yet.</summary>
    IEventCursor OpenCursor(long after);

    /// <summary>A poll: the events with seq greater than <paramref name="after"/>, at most <paramref name="max"/> (a leading gap counted).</summary>
    ValueTask<EventBatch> PollAsync(long after, int max);

    /// <summary>Completes with true when an event after <paramref name="after"/> exists, false when the log ended without one.</summary>
    ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken);
}

/// <summary>A stream's position in a log; dispose it when the stream ends.</summary>
internal interface IEventCursor : IDisposable
{
    /// <summary>The events after the cursor, at most <paramref name="max"/> (a gap first where some are gone); moves on past them.</summary>
    ValueTask<EventBatch> ReadAsync(int max);
}

/// <summary>A connection's events read straight from its in-memory log, on the node that holds it.</summary>
internal sealed class MemoryEventSource(IEventLog log) : IEventSource
{
    public IEventCursor OpenCursor(long after) => new Cursor(log, log.OpenCursor(after));

    public ValueTask<EventBatch> PollAsync(long after, int max)
    {
        // Completion read before the events: Complete follows the last append, so nothing can be missed.
        var completed = log.IsCompleted;
        return ValueTask.FromResult(new EventBatch(log.Poll(after, max), completed));
    }

    public ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken) =>
        log.WaitForEventsAfterAsync(after, cancellationToken);

    private sealed class Cursor(IEventLog log, IEventLogCursor cursor) : IEventCursor
    {
        public ValueTask<EventBatch> ReadAsync(int max)
        {
            var completed = log.IsCompleted;
            return ValueTask.FromResult(new EventBatch(cursor.Read(max), completed));
        }

        public void Dispose() => cursor.Dispose();
    }
}

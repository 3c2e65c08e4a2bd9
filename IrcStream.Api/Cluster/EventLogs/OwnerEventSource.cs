using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Cluster;

/// <summary>
/// What a stream or poll reads on the node that owns the connection: the events straight from the owner's in-memory
/// log (<see cref="RedisEventLog"/>), with no round trip to Redis, as in one-process mode. Only what Redis has already
/// taken is served (up to <see cref="RedisEventLog.ShippedSeq"/>): Redis stays the copy that other nodes read and a
/// takeover goes on from, so a reader that moves to another node with <c>Last-Event-ID</c>, or stays through a crash of
/// this node, never holds a seq that the copy gives another event. A reader behind what memory keeps (a trimmed log, or
/// one this node took over, whose older events only Redis holds), and every reader once this node stops copying (the
/// lease lost or handed on, the log drained), reads Redis instead (<paramref name="copy"/>), with the same seqs, order
/// and gap rule.
/// </summary>
internal sealed class OwnerEventSource(RedisEventLog log, IEventSource copy) : IEventSource
{
    public IEventCursor OpenCursor(long after) => new Cursor(this, Math.Max(0, after));

    public ValueTask<EventBatch> PollAsync(long after, int max) => ReadAsync(Math.Max(0, after), max);

    public async ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before looking, so a batch shipped in between still wakes this wait.
            var moved = log.ShippedMoved;
            if (!InMemory(after)) return await copy.WaitForEventsAfterAsync(after, cancellationToken).ConfigureAwait(false);
            if (log.ShippedSeq > after) return true;
            if (log.IsCompleted && after >= log.LastSeq) return false;
            await moved.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when memory holds every event after <paramref name="after"/> and this node still copies them to Redis.</summary>
    private bool InMemory(long after) => !log.Drained.IsCompleted && after >= log.FirstRetainedSeq - 1;

    private async ValueTask<EventBatch> ReadAsync(long after, int max)
    {
        if (!InMemory(after)) return await copy.PollAsync(after, max).ConfigureAwait(false);
        // Completion and the shipped mark read before the events: the events read can only be as new or newer.
        var completed = log.IsCompleted;
        var shipped = log.ShippedSeq;
        var events = log.ReadAfter(after, (int)Math.Clamp(shipped - after, 1, max));
        // Trimmed between the look and the read: Redis still has them.
        if (events.Count > 0 && events[0].Type == EventTypes.Gap) return await copy.PollAsync(after, max).ConfigureAwait(false);
        var end = events.Count;
        while (end > 0 && events[end - 1].Seq > shipped) end--;
        var served = end == events.Count ? events : events.Take(end).ToArray();
        var position = served.Count > 0 ? served[^1].Seq : after;
        return new EventBatch(served, completed && position >= log.LastSeq);
    }

    private sealed class Cursor(OwnerEventSource source, long after) : IEventCursor
    {
        private long _position = after;

        public async ValueTask<EventBatch> ReadAsync(int max)
        {
            var batch = await source.ReadAsync(_position, max).ConfigureAwait(false);
            if (batch.Events.Count > 0) _position = batch.Events[^1].Seq;
            return batch;
        }

        public void Dispose()
        {
        }
    }
}

using IrcStream.Api.Streaming;

namespace IrcStream.Api.Cluster;

/// <summary>
/// In Redis mode every node reads every connection's events from its stream, whichever node owns it: XRANGE for the
/// events, the node's one subscription (<see cref="RedisEventNotifier"/>) to wait for more. Reads are not cut short
/// by a request's token: a stream that is stopping still drains what is there, and the client's timeouts bound a
/// read while Redis is slow.
/// </summary>
internal sealed class RedisEventSources(RedisEventStore store, RedisEventNotifier notifier)
{
    public IEventSource Open(string connectionId) => new Source(connectionId, store, notifier);

    private sealed class Source(string connectionId, RedisEventStore store, RedisEventNotifier notifier) : IEventSource
    {
        public IEventCursor OpenCursor(long after) => new Cursor(connectionId, store, after);

        public async ValueTask<EventBatch> PollAsync(long after, int max) =>
            await store.ReadAfterAsync(connectionId, after, max).ConfigureAwait(false);

        public async ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken)
        {
            while (true)
            {
                // Registered before the read, so an append between the read and the wait still wakes this reader.
                using var registration = notifier.Register(connectionId, after);
                var batch = await store.ReadAfterAsync(connectionId, after, 1).ConfigureAwait(false);
                if (batch.Events.Count > 0) return true;
                if (batch.Completed) return false;
                await registration.Woken.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A stream's position; Redis keeps what retention keeps, nothing is held for a reader.</summary>
    private sealed class Cursor(string connectionId, RedisEventStore store, long after) : IEventCursor
    {
        private long _position = Math.Max(0, after);

        public async ValueTask<EventBatch> ReadAsync(int max)
        {
            var batch = await store.ReadAfterAsync(connectionId, _position, max).ConfigureAwait(false);
            if (batch.Events.Count > 0) _position = batch.Events[^1].Seq;
            return batch;
        }

        public void Dispose()
        {
        }
    }
}

using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;

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

    /// <summary>
    /// A stream's position; Redis keeps what retention keeps, nothing is held for a reader but the read under way. A
    /// read asks Redis for up to <see cref="ReadAhead"/> events and hands them out as the stream asks; after a full one
    /// the next is sent at once, while the stream writes these out. A reader behind the stream then waits for Redis
    /// once per <see cref="ReadAhead"/> events rather than once per batch the stream takes, and on Redis's one thread
    /// each of its reads waits behind the owner's appends: the fewer, the faster it catches up.
    /// </summary>
    private sealed class Cursor(string connectionId, RedisEventStore store, long after) : IEventCursor
    {
        private const int ReadAhead = 1024;

        private long _position = Math.Max(0, after);
        private IReadOnlyList<StoredEvent> _read = [];
        private int _handedOut;
        private bool _readCompleted;
        private Task<EventBatch>? _ahead;

        public async ValueTask<EventBatch> ReadAsync(int max)
        {
            if (_handedOut == _read.Count)
            {
                var batch = await (_ahead ?? store.ReadAfterAsync(connectionId, _position, ReadAhead)).ConfigureAwait(false);
                _ahead = batch.Events.Count == ReadAhead && !batch.Completed
                    ? store.ReadAfterAsync(connectionId, batch.Events[^1].Seq, ReadAhead)
                    : null;
                (_read, _handedOut, _readCompleted) = (batch.Events, 0, batch.Completed);
            }
            var count = Math.Min(max, _read.Count - _handedOut);
            IReadOnlyList<StoredEvent> events = count == _read.Count ? _read : _read.Skip(_handedOut).Take(count).ToArray();
            _handedOut += count;
            if (count > 0) _position = events[^1].Seq;
            return new EventBatch(events, _readCompleted && _handedOut == _read.Count);
        }

        public void Dispose()
        {
            // A read ahead nobody will take: its failure (Redis away) is no one's to report.
            _ahead?.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _ahead = null;
        }
    }
}

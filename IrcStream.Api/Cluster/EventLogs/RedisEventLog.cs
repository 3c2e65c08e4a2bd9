using IrcStream.Domain.Events;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The owning node's log of one connection in Redis mode: the in-memory <see cref="EventLog"/> the connection
/// appends to (seq given and JSON written once, there), copied into the connection's Redis stream behind it by a
/// flush that runs while there is something to copy. The flush is a live reader of the in-memory log, so that log
/// is also the bounded hold while Redis is slow or away: it keeps what Redis has not taken yet beyond retention,
/// within the live-reader hold caps (<see cref="EventLogLimits.MaxHeldBytes"/> per connection, the gateway-wide
/// budget), and the flush appends it when Redis answers again. Whatever the hold let go of by then is never
/// appended, which readers see as a <c>gap</c> over exactly those seqs.
/// </summary>
/// <remarks>
/// Appends are fenced by the lease token (<see cref="RedisEventStore.AppendAsync"/>): once the lease holds another
/// token the flush stops for good and <see cref="LeaseLost"/> is set. Up to <see cref="MaxInFlight"/> batches are on
/// their way at once, each sent before the one ahead of it is answered; each tells the script the newest seq the one
/// ahead of it writes, so a batch whose predecessor wrote nothing (fenced, or lost to a dropped connection) writes nothing
/// either, and <see cref="ShippedSeq"/> moves only as answers come back in order. After <see cref="Complete"/> the last flush
/// marks the stream ended (readers on every node end there) and lets its keys expire after <see cref="EndRetention"/>.
/// </remarks>
internal sealed class RedisEventLog : IEventLog
{
    /// <summary>How long a closed connection's stream stays readable, so readers on other nodes can drain it.</summary>
    public static readonly TimeSpan EndRetention = TimeSpan.FromMinutes(5);

    private const int MaxBatch = 512;

    /// <summary>How many batches may be on their way to Redis at once: the next goes before the one ahead of it is answered.</summary>
    private const int MaxInFlight = 4;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly EventLog _memory;
    private IEventLogCursor _unshipped;
    private readonly RedisEventStore _store;
    private readonly string _connectionId;
    private readonly Func<string?> _leaseToken;
    private readonly TimeProvider _time;
    private readonly Action<RedisEventLog, Exception>? _onFailure;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _shippedMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _shipped;
    // The newest seq in the stream as the last answer (or the renewal) said: where the next batch's predecessor ends.
    private long _top;
    private bool _endShipped;
    private bool _flushing;
    private volatile bool _leaseLost;

    /// <param name="limits">What the in-memory log keeps: <see cref="EventLogLimits.MaxEvents"/> is also the stream's retention.</param>
    /// <param name="leaseToken">The token of this node's lease on the connection; null while it holds none (the flush waits).</param>
    /// <param name="onFailure">Told of each failed append (Redis slow or away); the events stay held and the flush tries again.</param>
    /// <param name="lastSeq">The newest seq already in the stream, for a log taken over from another node: the next event gets the seq after it.</param>
    public RedisEventLog(
        string connectionId,
        RedisEventStore store,
        EventLogLimits limits,
        Func<string?> leaseToken,
        TimeProvider time,
        Action<RedisEventLog, Exception>? onFailure = null,
        long lastSeq = 0)
    {
        _connectionId = connectionId;
        _store = store;
        _leaseToken = leaseToken;
        _time = time;
        _onFailure = onFailure;
        _memory = new EventLog(limits, time, lastSeq);
        _unshipped = _memory.OpenCursor(lastSeq);
        _shipped = lastSeq;
        _top = lastSeq;
    }

    public string ConnectionId => _connectionId;

    public long LastSeq => _memory.LastSeq;

    /// <summary>The seq of the oldest event memory still keeps (<see cref="EventLog.FirstRetainedSeq"/>): a reader after it is served from memory.</summary>
    public long FirstRetainedSeq => _memory.FirstRetainedSeq;

    public bool IsCompleted => _memory.IsCompleted;

    /// <summary>The newest seq appended to Redis (or given up as a gap).</summary>
    public long ShippedSeq
    {
        get
        {
            lock (_gate) return _shipped;
        }
    }

    /// <summary>
    /// The newest seq this node may have written to the stream: every seq it gave an event, not only
    /// <see cref="ShippedSeq"/>. An append whose answer never came (it timed out while this node was starved of CPU or
    /// Redis was slow, or the primary that ran it was killed before its answer left) may have landed all the same. A
    /// renewal takes an expired lease back only where the stream ends at or before this seq, so such an append of its
    /// own does not read as another node's writing (<see cref="RedisConnectionDirectory.RenewAsync"/>).
    /// </summary>
    public long MayHaveWritten => LastSeq;

    /// <summary>Events appended here and not yet in Redis.</summary>
    public long Held => Math.Max(0, LastSeq - ShippedSeq);

    /// <summary>True once an append found another token on the lease: this node writes to the stream no more.</summary>
    public bool LeaseLost => _leaseLost;

    /// <summary>Completes when the log is complete and all of it is in Redis with its end mark (or the lease was lost, or copying stopped).</summary>
    public Task Drained => _drained.Task;

    /// <summary>
    /// Completes the next time <see cref="ShippedSeq"/> moves or copying stops (<see cref="Drained"/>): take it before
    /// looking at <see cref="ShippedSeq"/>, then await it when there was nothing new.
    /// </summary>
    public Task ShippedMoved
    {
        get
        {
            lock (_gate) return _shippedMoved.Task;
        }
    }

    private void Drain()
    {
        _drained.TrySetResult();
        SignalShipped();
    }

    private void SignalShipped()
    {
        TaskCompletionSource moved;
        lock (_gate)
        {
            moved = _shippedMoved;
            _shippedMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        moved.TrySetResult();
    }

    public StoredEvent Append(GatewayEvent gatewayEvent)
    {
        var stored = _memory.Append(gatewayEvent);
        Schedule();
        return stored;
    }

    public void Complete()
    {
        _memory.Complete();
        Schedule();
    }

    /// <summary>
    /// Stops copying for good, whatever is still held: this node let the connection go (its lease was lost or handed
    /// on), so nothing it appends from now on may reach Redis, and no flush waits for a token that will not come back.
    /// </summary>
    public void LetGo()
    {
        bool idle;
        lock (_gate)
        {
            _leaseLost = true;
            idle = !_flushing;
        }
        // A flush under way lets go of the hold itself when it sees the log let go.
        if (idle) _unshipped.Dispose();
        Drain();
    }

    /// <summary>
    /// The stream ends at <paramref name="newest"/>, as this node's renewal found. Where that is before what this log
    /// appended, Redis lost the newest entries (a failover to a replica that had not received them yet): they are
    /// appended again, with their seqs, from memory. A flush under way finds that out by itself on its next append.
    /// </summary>
    public void StreamEndsAt(long newest)
    {
        lock (_gate)
        {
            if (newest >= _shipped || _flushing || _leaseLost || _endShipped) return;
            RewindTo(newest);
        }
        Schedule();
    }

    /// <summary>Appends again from after <paramref name="newest"/>, where the stream ends. Called under the gate.</summary>
    private void RewindTo(long newest)
    {
        _store.Metrics.Reappended(_shipped - newest);
        _unshipped.Dispose();
        _unshipped = _memory.OpenCursor(newest);
        _shipped = newest;
        _top = newest;
    }

    /// <summary>The events memory keeps after <paramref name="after"/> (<see cref="EventLog.ReadAfter"/>), for the owner's own readers (<see cref="OwnerEventSource"/>).</summary>
    public IReadOnlyList<StoredEvent> ReadAfter(long after, int max = int.MaxValue) => _memory.ReadAfter(after, max);

    public IReadOnlyList<StoredEvent> Poll(long after, int max = int.MaxValue) => _memory.Poll(after, max);

    public IEventLogCursor OpenCursor(long after) => _memory.OpenCursor(after);

    public ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken) =>
        _memory.WaitForEventsAfterAsync(after, cancellationToken);

    private void Schedule()
    {
        lock (_gate)
        {
            if (_flushing || _leaseLost) return;
            _flushing = true;
        }
        _ = FlushAsync();
    }

    /// <summary>True when there is nothing left to copy; otherwise the flush goes on. Called under the gate.</summary>
    private bool NothingToShip() => _unshipped.Position >= _memory.LastSeq && (!_memory.IsCompleted || _endShipped);

    private async Task FlushAsync()
    {
        var retryDelay = FirstRetryDelay;
        // Taken from the hold and not yet known to be in Redis, oldest first: the hold's reader has moved past them.
        // Those sent form a prefix; a failure puts them all back to be sent again, in order.
        var batches = new List<Batch>(MaxInFlight);
        while (true)
        {
            lock (_gate)
            {
                if (_leaseLost)
                {
                    _flushing = false;
                    _unshipped.Dispose();
                    return;
                }
                if (batches.Count == 0 && NothingToShip())
                {
                    _flushing = false;
                    return;
                }
            }
            TakeBatches(batches);

            if (_leaseToken() is { } token) Send(batches, token);
            else if (batches[0].Answer is null)
            {
                await Task.Delay(retryDelay, _time).ConfigureAwait(false);
                retryDelay = Next(retryDelay);
                continue;
            }

            var head = batches[0];
            AppendResult result;
            try
            {
                result = await head.Answer!.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The later batches may have landed or not: all go again, and the script skips what the stream holds.
                await Unsend(batches).ConfigureAwait(false);
                _store.Metrics.AppendFailed();
                _onFailure?.Invoke(this, ex);
                await Task.Delay(retryDelay, _time).ConfigureAwait(false);
                retryDelay = Next(retryDelay);
                continue;
            }
            catch (Exception ex)
            {
                // Not Redis trouble (the node is shutting down, or a bug): stop copying rather than spin.
                await Unsend(batches).ConfigureAwait(false);
                _onFailure?.Invoke(this, ex);
                lock (_gate) _flushing = false;
                Drain();
                return;
            }

            if (result.Outcome == AppendOutcome.Appended)
            {
                retryDelay = FirstRetryDelay;
                batches.RemoveAt(0);
                Shipped(head, result.Top);
                if (head.Ending)
                {
                    _unshipped.Dispose();
                    Drain();
                }
                continue;
            }

            // Each batch sent after this one found the same lease, or the stream short of this one's events: none wrote
            // anything. They are all sent again (or given up) as this one is.
            await Unsend(batches).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case AppendOutcome.LeaseVacant:
                    // The lease expired while Redis was away: held, not dropped, until this node's renewal takes it again
                    // (or finds another node's token: then LetGo ends this flush).
                    await Task.Delay(retryDelay, _time).ConfigureAwait(false);
                    retryDelay = Next(retryDelay);
                    break;
                case AppendOutcome.Behind:
                    // The stream lost its newest entries (a failover to a replica that had not received them): append
                    // again from where it ends, with the same seqs, from the memory that still holds them.
                    retryDelay = FirstRetryDelay;
                    lock (_gate) RewindTo(result.Top);
                    batches.Clear();
                    break;
                default:
                    lock (_gate)
                    {
                        _leaseLost = true;
                        _flushing = false;
                    }
                    _unshipped.Dispose();
                    Drain();
                    return;
            }
        }
    }

    /// <summary>Takes batches from the hold until <see cref="MaxInFlight"/> are on their way, the hold is empty, or the end is taken.</summary>
    private void TakeBatches(List<Batch> batches)
    {
        while (batches.Count < MaxInFlight && (batches.Count == 0 || !batches[^1].Ending))
        {
            // Completion read before the events: Complete follows the last append, so the end mark never precedes an event.
            var completed = _memory.IsCompleted;
            if (_unshipped.Position >= _memory.LastSeq && (!completed || _endShipped)) return;
            var events = _unshipped.Read(MaxBatch);
            batches.Add(new Batch(events, completed && _unshipped.Position >= _memory.LastSeq));
        }
    }

    /// <summary>
    /// Sends each batch not on its way yet, behind those that are, without waiting for their answers: the multiplexer
    /// keeps one connection's order, and each batch tells the script the newest seq the one before it appends, so a batch
    /// whose predecessor wrote nothing writes nothing either (<see cref="AppendOutcome.Behind"/>, or the same fence).
    /// </summary>
    private void Send(List<Batch> batches, string token)
    {
        var top = _top;
        foreach (var batch in batches)
        {
            batch.Answer ??= Append(batch, token, top);
            top = Math.Max(top, batch.NewestEvent);
        }
    }

    private Task<AppendResult> Append(Batch batch, string token, long appended)
    {
        // The hold hands a gap first when it let the next seqs go: those never reach Redis.
        var events = batch.Events.Count > 0 && batch.Events[0].Type == EventTypes.Gap ? batch.Events.Skip(1).ToArray() : batch.Events;
        return events.Count == 0 && !batch.Ending
            ? Task.FromResult(new AppendResult(AppendOutcome.Appended, appended)) // only a gap: skip those seqs
            : _store.AppendAsync(_connectionId, token, appended, events, batch.Ending ? EndRetention : null);
    }

    /// <summary>Waits for every answer still to come, whatever it is, and marks every batch to be sent again.</summary>
    private static async Task Unsend(List<Batch> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.Answer is { } answer)
            {
                await Task.WhenAny(answer).ConfigureAwait(false);
                _ = answer.Exception; // observed: the batch goes again, or copying stops
            }
            batch.Answer = null;
        }
    }

    /// <summary>Redis has <paramref name="batch"/>, and its stream ends at <paramref name="top"/>.</summary>
    private void Shipped(Batch batch, long top)
    {
        var events = batch.Events;
        lock (_gate)
        {
            // The gap's seq is the last one let go; the flush is the only writer of _shipped.
            if (events.Count > 0 && events[0].Type == EventTypes.Gap) _store.Metrics.Lost(events[0].Seq - _shipped);
            if (events.Count > 0) _shipped = Math.Max(_shipped, events[^1].Seq);
            _top = top;
            if (batch.Ending) _endShipped = true;
        }
        SignalShipped();
    }

    /// <summary>Events taken from the hold to append in one script, and the answer of their last sending (null while not sent).</summary>
    private sealed class Batch(IReadOnlyList<StoredEvent> events, bool ending)
    {
        public IReadOnlyList<StoredEvent> Events => events;

        /// <summary>True for the last batch of a completed log: it also sets the end mark.</summary>
        public bool Ending => ending;

        /// <summary>The newest seq this batch writes to the stream (0 for a batch of only a gap).</summary>
        public long NewestEvent => events.Count > 0 && events[^1].Type != EventTypes.Gap ? events[^1].Seq : 0;

        public Task<AppendResult>? Answer { get; set; }
    }

    private static TimeSpan Next(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
}

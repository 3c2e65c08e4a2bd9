namespace IrcStream.Domain.Events;

/// <summary>
/// A connection's events in a ring buffer with rising sequence numbers. Appending is O(1) and never
/// waits for a reader; readers copy what is retained without a lock and wait for new events on a
/// shared task, so a slow or stuck reader cannot hold up the writer or other readers. The ring starts small
/// and doubles up to its capacity as events arrive, so a quiet connection does not hold a full-size ring.
/// </summary>
public sealed class EventLog : IEventLog
{
    private const int InitialRing = 16;

    private readonly int _capacity;
    private StoredEvent?[] _ring;
    private readonly Lock _appendLock = new();
    private readonly TimeProvider _time;
    private long _lastSeq;
    private TaskCompletionSource? _nextAppend;
    private volatile bool _completed;

    public EventLog(int capacity, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ring = new StoredEvent?[Math.Min(capacity, InitialRing)];
        _time = time ?? TimeProvider.System;
    }

    public int Capacity => _capacity;

    /// <summary>The seq of the newest event; 0 when there is none.</summary>
    public long LastSeq => Volatile.Read(ref _lastSeq);

    /// <summary>The seq of the oldest event still retained (LastSeq + 1 when empty).</summary>
    public long FirstRetainedSeq => Math.Max(1, LastSeq - _capacity + 1);

    /// <summary>True once <see cref="Complete"/> was called: no event will follow.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Gives the event its seq, stores its JSON (not the event) and wakes every waiting reader.</summary>
    public StoredEvent Append(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        StoredEvent stored;
        lock (_appendLock)
        {
            var seq = _lastSeq + 1;
            gatewayEvent.Seq = seq;
            stored = StoredEvent.From(gatewayEvent);
            var ring = _ring;
            if (seq > ring.Length && ring.Length < _capacity) ring = Grow(ring, seq);
            Volatile.Write(ref ring[seq % ring.Length], stored);
            Volatile.Write(ref _lastSeq, seq);
        }
        WakeReaders();
        return stored;
    }

    /// <summary>
    /// A ring twice as large (at most the capacity) holding every event so far; the ring has not wrapped yet,
    /// since it grows before seq passes its length. Published before the seq that needs it, so a reader that
    /// sees that seq also sees this ring; a reader still on the old ring finds it unchanged from then on.
    /// </summary>
    private StoredEvent?[] Grow(StoredEvent?[] ring, long seq)
    {
        var larger = new StoredEvent?[Math.Min(_capacity, ring.Length * 2)];
        for (var s = 1L; s < seq; s++) larger[s % larger.Length] = ring[s % ring.Length];
        Volatile.Write(ref _ring, larger);
        return larger;
    }

    /// <summary>Marks the log finished (after its last event) and wakes every waiting reader.</summary>
    public void Complete()
    {
        _completed = true;
        WakeReaders();
    }

    /// <summary>
    /// The retained events with seq greater than <paramref name="after"/>, at most <paramref name="max"/>,
    /// preceded by a <see cref="GapEvent"/>'s JSON (counted in <paramref name="max"/>) when some of them are no longer retained.
    /// </summary>
    public IReadOnlyList<StoredEvent> ReadAfter(long after, int max = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        after = Math.Max(0, after);
        var last = LastSeq;
        if (after >= last) return [];
        // Read after LastSeq: this ring holds every retained event up to last (see Grow).
        var ring = Volatile.Read(ref _ring);

        var result = new List<StoredEvent>((int)Math.Min(Math.Min(last - after, max), _capacity + 1));
        var next = after + 1;
        while (next <= last && result.Count < max)
        {
            var candidate = Volatile.Read(ref ring[next % ring.Length]);
            if (candidate is not null && candidate.Seq == next)
            {
                result.Add(candidate);
                next++;
                continue;
            }
            // Overwritten by the writer while we read (or never retained): everything up to the oldest retained is a gap.
            var oldest = Math.Max(next + 1, LastSeq - _capacity + 1);
            if (result.Count > 0) break; // the events read so far are still valid; the reader comes back for the rest
            result.Add(StoredEvent.From(new GapEvent(next, oldest - 1, _time.GetUtcNow())));
            next = oldest;
        }
        return result;
    }

    /// <summary>
    /// Completes when an event with seq greater than <paramref name="after"/> exists (true) or the log is
    /// completed with none (false). No thread is held while waiting.
    /// </summary>
    public async ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (LastSeq > after) return true;
            if (_completed) return false;
            var wake = GetWakeTask();
            if (LastSeq > after) return true;
            if (_completed) return false;
            await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task GetWakeTask()
    {
        var current = Volatile.Read(ref _nextAppend);
        if (current is not null) return current.Task;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _nextAppend, created, null) ?? created).Task;
    }

    private void WakeReaders() => Interlocked.Exchange(ref _nextAppend, null)?.TrySetResult();
}

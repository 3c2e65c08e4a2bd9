namespace IrcStream.Domain.Events;

/// <summary>
/// A connection's events, as their stored JSON, with rising sequence numbers. It retains the newest events
/// within <see cref="EventLogLimits.MaxEvents"/> and <see cref="EventLogLimits.MaxBytes"/>; while a live reader is
/// behind, it also holds the older events that reader has not read yet (within the hold caps), and lets them go
/// once the reader has moved past them. Appending never waits for a reader; readers take views of the events'
/// bytes under a short lock and wait for new events on a shared task. The JSON is packed into shared segments
/// (<see cref="EventSegments"/>) that start small and grow, and go once no kept event is in them, so a quiet
/// connection holds little and a full log holds little more than its events' JSON.
/// </summary>
public sealed class EventLog : IEventLog
{
    private readonly EventLogLimits _limits;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Kept events in seq order, from _events.FirstSeq to _lastSeq.
    private readonly EventSegments _events;
    private long _lastSeq;
    private long _eventBytes; // of every kept event, as StoredEvent.RetainedBytes counts them

    // Retention is the newest events from _retainedFirstSeq; everything kept before it is held for live readers.
    private long _retainedFirstSeq = 1;
    private long _retainedBytes;

    private List<LiveCursor>? _readers;
    private TaskCompletionSource? _nextAppend;
    private volatile bool _completed;

    public EventLog(int capacity, TimeProvider? time = null)
        : this(new EventLogLimits { MaxEvents = capacity }, time)
    {
    }

    /// <param name="limits">What is kept.</param>
    /// <param name="time">The clock of poller expiry.</param>
    /// <param name="lastSeq">The seq the log goes on from (its first event gets the next one): a log carried on from another node.</param>
    public EventLog(EventLogLimits limits, TimeProvider? time = null, long lastSeq = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastSeq);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxEvents, 1, nameof(limits.MaxEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBytes, 1, nameof(limits.MaxBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(limits.MaxHeldBytes, nameof(limits.MaxHeldBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxPollers, 1, nameof(limits.MaxPollers));
        _limits = limits;
        _time = time ?? TimeProvider.System;
        _lastSeq = lastSeq;
        _retainedFirstSeq = lastSeq + 1;
        _events = new EventSegments(lastSeq + 1);
    }

    /// <summary>The length of the index's slot array, for tests of how it grows and shrinks.</summary>
    internal int SlotCount
    {
        get
        {
            lock (_lock) return _events.IndexSlots;
        }
    }

    /// <summary>The byte segments the events' JSON is packed in, for tests of how they come and go.</summary>
    internal int SegmentCount
    {
        get
        {
            lock (_lock) return _events.SegmentCount;
        }
    }

    public long LastSeq => Volatile.Read(ref _lastSeq);

    /// <summary>The seq of the oldest event still kept, held ones included (LastSeq + 1 when empty).</summary>
    public long FirstRetainedSeq
    {
        get
        {
            lock (_lock) return _events.Count == 0 ? _lastSeq + 1 : _events.FirstSeq;
        }
    }

    /// <summary>Bytes of the retained events, as counted by <see cref="StoredEvent.RetainedBytes"/>: at most <see cref="EventLogLimits.MaxBytes"/> (or the newest event alone); for tests of retention.</summary>
    internal long RetainedBytes
    {
        get
        {
            lock (_lock) return _retainedBytes;
        }
    }

    /// <summary>Bytes of the events kept beyond retention for live readers, as counted by <see cref="StoredEvent.RetainedBytes"/>; for tests of the hold.</summary>
    internal long HeldBytes
    {
        get
        {
            lock (_lock) return _eventBytes - _retainedBytes;
        }
    }

    public bool IsCompleted => _completed;

    public StoredEvent Append(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        StoredEvent stored;
        lock (_lock)
        {
            gatewayEvent.Seq = _lastSeq + 1;
            stored = _events.Add(gatewayEvent.Type, EventJson.SerializeToScratch(gatewayEvent));
            _eventBytes += stored.RetainedBytes;
            _retainedBytes += stored.RetainedBytes;
            Volatile.Write(ref _lastSeq, stored.Seq);
            ShrinkRetention();
            Trim();
        }
        WakeReaders();
        return stored;
    }

    public void Complete()
    {
        lock (_lock)
        {
            // After the last event no poll can come back for this connection (it answers 404): only open streams still read.
            _readers?.RemoveAll(r => r.IsPoller);
            Trim();
        }
        _completed = true;
        WakeReaders();
    }

    /// <summary>
    /// The retained events with seq greater than <paramref name="after"/>, at most <paramref name="max"/>,
    /// preceded by a gap event (counted in <paramref name="max"/>) when some of them are no longer retained.
    /// </summary>
    public IReadOnlyList<StoredEvent> ReadAfter(long after, int max = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (_lock) return ReadLocked(after, max);
    }

    /// <summary>
    /// Reads as a poller does: like <see cref="ReadAfter"/>, and the poller counts as a live reader at
    /// <paramref name="after"/> until it comes back with the seq of the last event it got (or
    /// <see cref="EventLogLimits.PollerGrace"/> passes), so the log holds what it has not read yet.
    /// </summary>
    public IReadOnlyList<StoredEvent> Poll(long after, int max = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (_lock)
        {
            var events = ReadLocked(after, max);
            if (!_completed) TrackPoller(Math.Max(0, after), events.Count > 0 ? events[^1].Seq : Math.Max(0, after));
            Trim();
            return events;
        }
    }

    /// <summary>
    /// Registers a live reader (an open stream) at <paramref name="after"/>: until it is disposed, the log holds
    /// the events it has not read yet beyond retention, within the hold caps.
    /// </summary>
    public IEventLogCursor OpenCursor(long after)
    {
        var cursor = new LiveCursor(this, Math.Max(0, after), expires: null);
        lock (_lock) (_readers ??= []).Add(cursor);
        return cursor;
    }

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

    private List<StoredEvent> ReadLocked(long after, int max)
    {
        after = Math.Max(0, after);
        if (after >= _lastSeq) return [];
        var next = after + 1;
        var result = new List<StoredEvent>((int)Math.Min(Math.Min(_lastSeq - after, max), _events.Count + 1));
        if (next < _events.FirstSeq || _events.Count == 0)
        {
            // Some (or all) of what the reader asks for is gone: a gap up to the oldest event kept, then the rest.
            var oldest = _events.Count == 0 ? _lastSeq + 1 : _events.FirstSeq;
            result.Add(StoredEvent.From(new GapEvent(next, oldest - 1, _time.GetUtcNow())));
            next = oldest;
        }
        for (; next <= _lastSeq && result.Count < max; next++) result.Add(_events[next]);
        return result;
    }

    /// <summary>Moves the retention's start past what is over either limit; those events become held, if anything keeps them.</summary>
    private void ShrinkRetention()
    {
        while (_retainedFirstSeq < _lastSeq
            && (_lastSeq - _retainedFirstSeq + 1 > _limits.MaxEvents || _retainedBytes > _limits.MaxBytes))
        {
            var leaving = _events.RetainedBytesOf(_retainedFirstSeq);
            _retainedBytes -= leaving;
            _limits.HoldBudget.Add(leaving);
            _retainedFirstSeq++;
        }
    }

    /// <summary>
    /// Drops held events from the oldest on, while no live reader still needs the oldest, or the connection's or
    /// the gateway's hold cap is exceeded (then a reader that far behind gets a gap, as the contract says).
    /// </summary>
    private void Trim()
    {
        if (_events.FirstSeq >= _retainedFirstSeq) return;
        var neededAfter = OldestLivePosition();
        while (_events.FirstSeq < _retainedFirstSeq)
        {
            var oldest = _events.FirstSeq;
            var held = _eventBytes - _retainedBytes;
            if (oldest > neededAfter && held <= _limits.MaxHeldBytes && !_limits.HoldBudget.IsOver) break;
            var leaving = _events.RetainedBytesOf(oldest);
            _events.RemoveOldest();
            _eventBytes -= leaving;
            _limits.HoldBudget.Release(leaving);
        }
    }

    /// <summary>The lowest position of a live reader (everything after it is still wanted); long.MaxValue when there is none.</summary>
    private long OldestLivePosition()
    {
        if (_readers is not { Count: > 0 } readers) return long.MaxValue;
        var now = _time.GetUtcNow();
        readers.RemoveAll(r => r.Expires is { } expires && expires <= now);
        var oldest = long.MaxValue;
        foreach (var reader in readers) oldest = Math.Min(oldest, reader.Position);
        return oldest;
    }

    /// <summary>A poller is known by where it comes back: the last seq it was given (its own position after an empty answer).</summary>
    private void TrackPoller(long after, long servedUpTo)
    {
        var readers = _readers ??= [];
        var expires = _time.GetUtcNow() + _limits.PollerGrace;
        var poller = readers.Find(r => r.IsPoller && r.ServedUpTo == after);
        if (poller is null)
        {
            var pollers = readers.Where(r => r.IsPoller).ToList();
            if (pollers.Count >= _limits.MaxPollers) readers.Remove(pollers.MinBy(r => r.Expires)!);
            poller = new LiveCursor(this, after, expires);
            readers.Add(poller);
        }
        poller.Position = after;
        poller.ServedUpTo = servedUpTo;
        poller.Expires = expires;
    }

    private Task GetWakeTask()
    {
        var current = Volatile.Read(ref _nextAppend);
        if (current is not null) return current.Task;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _nextAppend, created, null) ?? created).Task;
    }

    private void WakeReaders() => Interlocked.Exchange(ref _nextAppend, null)?.TrySetResult();

    /// <summary>The cursor of a live reader: an open stream (no expiry) or a poller (expires unless it comes back).</summary>
    private sealed class LiveCursor(EventLog log, long position, DateTimeOffset? expires) : IEventLogCursor
    {
        public long Position { get; set; } = position;
        public long ServedUpTo { get; set; } = position;
        public DateTimeOffset? Expires { get; set; } = expires;
        public bool IsPoller => Expires is not null;

        public IReadOnlyList<StoredEvent> Read(int max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
            lock (log._lock)
            {
                var events = log.ReadLocked(Position, max);
                if (events.Count > 0) Position = events[^1].Seq;
                log.Trim();
                return events;
            }
        }

        public void Dispose()
        {
            lock (log._lock)
            {
                if (log._readers?.Remove(this) == true) log.Trim();
            }
        }
    }
}

namespace IrcStream.Domain.Events;

/// <summary>
/// What an <see cref="EventLog"/> keeps. Retention: the newest events within both <see cref="MaxEvents"/> and
/// <see cref="MaxBytes"/>, for a reader that resumes after a disconnect. Beyond that, while a live reader (an open
/// stream, or a poller that keeps coming back) has not read them yet, older events are held too, up to
/// <see cref="MaxHeldBytes"/> for the connection and <see cref="HoldBudget"/> for the whole gateway.
/// </summary>
public sealed record EventLogLimits
{
    public const int DefaultMaxEvents = 1000;
    public const long DefaultMaxBytes = 1024 * 1024;
    public const long DefaultMaxHeldBytes = 16L * 1024 * 1024;

    /// <summary>Events retained for resume (<c>EventBufferSize</c>).</summary>
    public int MaxEvents { get; init; } = DefaultMaxEvents;

    /// <summary>Bytes of events retained for resume (<c>EventBufferBytes</c>), counted as <see cref="StoredEvent.RetainedBytes"/>; the newest event is kept whatever its size.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Bytes one connection may hold beyond retention for its live readers (<c>LiveReaderHoldBytes</c>); 0 holds nothing.</summary>
    public long MaxHeldBytes { get; init; } = DefaultMaxHeldBytes;

    /// <summary>The gateway-wide cap on bytes held beyond retention, shared by every connection's log.</summary>
    public EventHoldBudget HoldBudget { get; init; } = new(EventHoldBudget.DefaultCapacityBytes);

    /// <summary>
    /// How long after its last answer a poller still counts as a live reader. A poller comes back at once with
    /// the seq of the last event it got; one that does not within this time is treated as gone.
    /// </summary>
    public TimeSpan PollerGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pollers of one connection tracked at once (tabs polling the same connection); the longest-silent one makes way.</summary>
    public int MaxPollers { get; init; } = 8;
}

/// <summary>Bytes held beyond retention by every event log of the gateway together, against one cap.</summary>
public sealed class EventHoldBudget(long capacityBytes)
{
    public const long DefaultCapacityBytes = 256L * 1024 * 1024;

    private long _heldBytes;

    public long CapacityBytes { get; } = capacityBytes >= 0 ? capacityBytes : throw new ArgumentOutOfRangeException(nameof(capacityBytes));

    /// <summary>Bytes held beyond retention right now, by every log together.</summary>
    public long HeldBytes => Volatile.Read(ref _heldBytes);

    internal bool IsOver => HeldBytes > CapacityBytes;

    internal void Add(long bytes) => Interlocked.Add(ref _heldBytes, bytes);

    internal void Release(long bytes) => Interlocked.Add(ref _heldBytes, -bytes);
}

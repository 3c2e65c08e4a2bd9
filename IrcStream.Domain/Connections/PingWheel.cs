using System.Runtime.CompilerServices;

namespace IrcStream.Domain.Connections;

/// <summary>What a <see cref="PingWheel"/> checks on time: one socket's ping state.</summary>
internal interface IPingWatched
{
    /// <summary>Checks at <paramref name="now"/> (a timestamp of the wheel's clock); returns when to check next, or null to stop watching.</summary>
    long? CheckPing(long now);
}

/// <summary>
/// One timer for the ping checks of every socket on one clock, instead of a pending delay per socket (a timer, a
/// task and a token registration that an idle connection holds for its whole life): the sockets wait in a priority
/// queue by when each is due next, and the one timer is set for the earliest of them.
/// </summary>
internal sealed class PingWheel
{
    private static readonly ConditionalWeakTable<TimeProvider, PingWheel> Wheels = [];

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<IPingWatched, long> _due = new();
    private ITimer? _timer;
    /// <summary>When the timer fires next; <see cref="long.MaxValue"/> while it is not set.</summary>
    private long _timerDue = long.MaxValue;

    private PingWheel(TimeProvider time) => _time = time;

    /// <summary>The wheel of <paramref name="time"/>: every socket on one clock shares it.</summary>
    public static PingWheel For(TimeProvider time) => Wheels.GetValue(time, static t => new PingWheel(t));

    /// <summary>The sockets waiting for a check.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _due.Count;
        }
    }

    /// <summary>The timestamp <paramref name="span"/> after <paramref name="timestamp"/>, rounded up so a check there finds the span over.</summary>
    public long After(long timestamp, TimeSpan span) =>
        timestamp + (long)(((Int128)span.Ticks * _time.TimestampFrequency + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);

    /// <summary>Checks <paramref name="watched"/> at <paramref name="due"/> (a timestamp), and from then on when it says.</summary>
    public void Watch(IPingWatched watched, long due)
    {
        lock (_gate)
        {
            _due.Enqueue(watched, due);
            SetTimer();
        }
    }

    /// <summary>No more checks of <paramref name="watched"/> (its socket ended); a check already under way finds it ended.</summary>
    public void Unwatch(IPingWatched watched)
    {
        lock (_gate) _due.Remove(watched, out _, out _);
    }

    /// <summary>Under the gate: the timer set for the earliest check, when that is sooner than it is set for.</summary>
    private void SetTimer()
    {
        if (!_due.TryPeek(out _, out var earliest) || earliest >= _timerDue) return;
        _timerDue = earliest;
        var wait = _time.GetElapsedTime(_time.GetTimestamp(), earliest);
        if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        if (_timer is { } timer)
        {
            timer.Change(wait, Timeout.InfiniteTimeSpan);
            return;
        }
        // The wheel outlives whichever request made the first connection: it keeps no request's ExecutionContext.
        using (ExecutionContext.SuppressFlow())
            _timer = _time.CreateTimer(static wheel => ((PingWheel)wheel!).Tick(), this, wait, Timeout.InfiniteTimeSpan);
    }

    private void Tick()
    {
        var now = _time.GetTimestamp();
        List<IPingWatched>? due = null;
        lock (_gate)
        {
            _timerDue = long.MaxValue;
            while (_due.TryPeek(out var watched, out var at) && at <= now)
            {
                _due.Dequeue();
                (due ??= []).Add(watched);
            }
        }
        // Checked outside the gate: a check queues a PING or ends a socket, which must not hold up every other socket's Watch.
        List<(IPingWatched, long)>? next = null;
        foreach (var watched in due ?? [])
        {
            if (watched.CheckPing(now) is { } at) (next ??= []).Add((watched, at));
        }
        lock (_gate)
        {
            foreach (var (watched, at) in next ?? []) _due.Enqueue(watched, at);
            SetTimer();
        }
    }
}

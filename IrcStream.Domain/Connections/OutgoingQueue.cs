using System.Threading.Tasks.Sources;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>
/// One line waiting to be written, with the parsed message when it is the user's own PRIVMSG or NOTICE, and a user
/// line's number (<see cref="SendResult.LastNumber"/>; 0 for the gateway's own).
/// </summary>
internal readonly record struct OutgoingLine(string Text, bool FromUser, IrcMessage? Message, long Number = 0);

/// <summary>
/// The lines one socket will write, taken in order by its single writer loop. Two queues: the gateway's own
/// lines (PONG, registration, joins, QUIT) go first and unthrottled, so a queue of user lines can never make
/// the server think the gateway is dead; the user's lines wait in a bounded queue behind the
/// <see cref="FloodLimiter"/>. User lines can be held back until registration is done, because a server
/// drops commands (InspIRCd: JOIN) sent before its welcome.
/// </summary>
/// <remarks>
/// Most connections are idle most of the time, so an empty queue holds nothing: each queue is allocated when a line
/// arrives and let go when its last line is taken, and the writer's wait is this object itself (a reusable
/// <see cref="IValueTaskSource"/> woken by whoever queues a line, with one token registration for the socket's
/// life), not a wait on each queue with a token source to give the other one up.
/// </remarks>
internal sealed class OutgoingQueue : IValueTaskSource
{
    /// <summary>Guards both queues and the flags; the writer's wait is armed under it, so no line is missed.</summary>
    private readonly Lock _gate = new();
    /// <summary>
    /// Not bounded: each gateway line answers something (a PING, the welcome, a MODE) and refusing one would break
    /// the connection; a writer that stops taking them is a dead socket, which the ping check finds and closes.
    /// Null while empty.
    /// </summary>
    private Queue<OutgoingLine>? _priority;
    /// <summary>At most <see cref="_capacity"/> lines; a request's lines go in whole or not at all, never mixed with another's. Null while empty.</summary>
    private Queue<OutgoingLine>? _user;
    private readonly int _capacity;
    private readonly FloodLimiter _flood;
    private readonly TimeProvider _time;
    private bool _userLinesOpen;
    private bool _completed;

    /// <summary>The writer's pending wait: armed (1) while it waits, disarmed by the first wake.</summary>
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private int _armed;
    private CancellationToken _wakeToken;
    private CancellationTokenRegistration _wakeOnCancel;
    /// <summary>Wakes the writer when a user line's flood-control slot comes; only while a line waits for it.</summary>
    private ITimer? _floodTimer;

    public OutgoingQueue(int capacity, FloodLimiter flood, TimeProvider time, bool userLinesOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _flood = flood;
        _time = time;
        _userLinesOpen = userLinesOpen;
    }

    /// <summary>Queues a gateway line ahead of every user line. Ignored once the queue is completed.</summary>
    public void EnqueuePriority(string line)
    {
        lock (_gate)
        {
            if (_completed) return;
            (_priority ??= new Queue<OutgoingLine>()).Enqueue(new OutgoingLine(line, FromUser: false, Message: null));
        }
        Wake();
    }

    /// <summary>Queues every line or, when they do not all fit, none (the caller reports the queue full).</summary>
    public bool TryEnqueueUser(IReadOnlyList<OutgoingLine> lines)
    {
        lock (_gate)
        {
            if (_completed || (_user?.Count ?? 0) + lines.Count > _capacity) return false;
            var user = _user ??= new Queue<OutgoingLine>(lines.Count);
            foreach (var line in lines) user.Enqueue(line);
        }
        Wake();
        return true;
    }

    /// <summary>Lets user lines go out (after the welcome when the gateway registers).</summary>
    public void OpenUserLines()
    {
        lock (_gate) _userLinesOpen = true;
        Wake();
    }

    /// <summary>Refuses further lines; what is queued is dropped with the socket.</summary>
    public void Complete()
    {
        lock (_gate) _completed = true;
        Wake();
    }

    /// <summary>The user's lines that were queued and never written; call once the writer loop has stopped (one reader at a time).</summary>
    public IReadOnlyList<string> TakeUnsent()
    {
        lock (_gate)
        {
            var unsent = _user?.Select(line => line.Text).ToList() ?? [];
            _user = null;
            return unsent;
        }
    }

    /// <summary>The user's lines waiting now, in order: a copy, the writer goes on taking them.</summary>
    public NumberedLine[] UserWaiting()
    {
        lock (_gate) return _user?.Select(line => new NumberedLine(line.Number, line.Text)).ToArray() ?? [];
    }

    /// <summary>Waits for the next line that may be written now: a priority line, or a user line flood control lets through.</summary>
    public async ValueTask<OutgoingLine> TakeAsync(CancellationToken cancellationToken)
    {
        OutgoingLine line;
        while (!TryTake(out line, out var woken, cancellationToken)) await woken.ConfigureAwait(false);
        return line;
    }

    /// <summary>
    /// Takes the next line that may be written now, or gives the wait for one: <paramref name="woken"/> completes
    /// when there may be one (take again then: a wake with nothing new is harmless) and throws once
    /// <paramref name="cancellationToken"/> is cancelled. The writer loop's wait, which allocates nothing.
    /// </summary>
    public bool TryTake(out OutgoingLine line, out ValueTask woken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        woken = default;
        lock (_gate)
        {
            if (TryTakeLine(out line, out var floodWait)) return true;
            if (!_completed)
            {
                if (floodWait is { } wait) WakeAfter(wait);
                WakeOnCancel(cancellationToken);
                woken = Arm();
                return false;
            }
        }
        // Nothing more will be written; the socket's loops are being stopped.
        woken = new ValueTask(Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken));
        return false;
    }

    /// <summary>The next line when one may be written at once, so the writer can put several in one socket write.</summary>
    public bool TryTakeNow(out OutgoingLine line)
    {
        lock (_gate) return TryTakeLine(out line, out _);
    }

    /// <summary>Only the writer loop calls this (and so the flood limiter), under the gate: a user line is looked at, then taken, by its one reader.</summary>
    private bool TryTakeLine(out OutgoingLine line, out TimeSpan? floodWait)
    {
        floodWait = null;
        line = default;
        if (_completed) return false;
        if (_priority is { } priority)
        {
            line = priority.Dequeue();
            if (priority.Count == 0) _priority = null;
            return true;
        }
        if (!_userLinesOpen || _user is not { } user) return false;
        if (!_flood.TryTake(out var wait))
        {
            floodWait = wait;
            return false;
        }
        line = user.Dequeue();
        if (user.Count == 0)
        {
            _user = null;
            _floodTimer?.Dispose();
            _floodTimer = null;
        }
        return true;
    }

    private void WakeAfter(TimeSpan wait)
    {
        if (_floodTimer is { } timer) timer.Change(wait, Timeout.InfiniteTimeSpan);
        else _floodTimer = _time.CreateTimer(static queue => ((OutgoingQueue)queue!).Wake(), this, wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Under the gate: a cancelled token wakes the writer, registered once for the token it waits with (the same for every wait of a socket).</summary>
    private void WakeOnCancel(CancellationToken cancellationToken)
    {
        if (cancellationToken == _wakeToken) return;
        _wakeOnCancel.Dispose();
        _wakeToken = cancellationToken;
        _wakeOnCancel = cancellationToken.UnsafeRegister(static queue => ((OutgoingQueue)queue!).Wake(), this);
    }

    private ValueTask Arm()
    {
        _wait.Reset();
        Volatile.Write(ref _armed, 1);
        return new ValueTask(this, _wait.Version);
    }

    /// <summary>Ends the writer's wait, if it is waiting; it then looks at the queues again (a wake with nothing new is harmless).</summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1) _wait.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token)
    {
        _wait.GetResult(token);
        _wakeToken.ThrowIfCancellationRequested();
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}

using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>One line waiting to be written, with the parsed message when it is the user's own PRIVMSG or NOTICE.</summary>
internal readonly record struct OutgoingLine(string Text, bool FromUser, IrcMessage? Message);

/// <summary>
/// The lines one socket will write, taken in order by its single writer loop. Two paths: the gateway's own
/// lines (PONG, registration, joins, QUIT) go first and unthrottled, so a queue of user lines can never make
/// the server think the gateway is dead; the user's lines wait in a bounded queue behind the
/// <see cref="FloodLimiter"/>. User lines can be held back until registration is done, because a server
/// drops commands (InspIRCd: JOIN) sent before its welcome.
/// </summary>
internal sealed class OutgoingQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<OutgoingLine> _priority = new();
    private readonly Queue<OutgoingLine> _user = new();
    private readonly int _capacity;
    private readonly FloodLimiter _flood;
    private readonly TimeProvider _time;
    private TaskCompletionSource? _waiter;
    private bool _userLinesOpen;
    private bool _completed;

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
            _priority.Enqueue(new OutgoingLine(line, FromUser: false, Message: null));
        }
        Wake();
    }

    /// <summary>Queues every line or, when they do not all fit, none (the caller reports the queue full).</summary>
    public bool TryEnqueueUser(IReadOnlyList<OutgoingLine> lines)
    {
        lock (_gate)
        {
            if (_completed || _user.Count + lines.Count > _capacity) return false;
            foreach (var line in lines) _user.Enqueue(line);
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
        lock (_gate)
        {
            _completed = true;
            _priority.Clear();
            _user.Clear();
        }
        Wake();
    }

    /// <summary>Waits for the next line that may be written now: a priority line, or a user line flood control lets through.</summary>
    public async ValueTask<OutgoingLine> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            TimeSpan? wait;
            lock (_gate)
            {
                if (TryTakeLocked(out var line, out wait)) return line;
                signal = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            if (wait is null)
            {
                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                await signal.WaitAsync(wait.Value, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Flood control has a token again.
            }
        }
    }

    /// <summary>The next line when one may be written at once, so the writer can put several in one socket write.</summary>
    public bool TryTakeNow(out OutgoingLine line)
    {
        lock (_gate) return TryTakeLocked(out line, out _);
    }

    private bool TryTakeLocked(out OutgoingLine line, out TimeSpan? wait)
    {
        wait = null;
        if (_completed)
        {
            line = default;
            return false;
        }
        if (_priority.TryDequeue(out line)) return true;
        if (_userLinesOpen && _user.Count > 0)
        {
            if (_flood.TryTake(out var floodWait))
            {
                line = _user.Dequeue();
                return true;
            }
            wait = floodWait;
        }
        line = default;
        return false;
    }

    private void Wake()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
    }
}

using System.Threading.Channels;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>
/// One line waiting to be written, with the parsed message when it is the user's own PRIVMSG or NOTICE, and a user
/// line's number (<see cref="SendResult.LastNumber"/>; 0 for the gateway's own).
/// </summary>
internal readonly record struct OutgoingLine(string Text, bool FromUser, IrcMessage? Message, long Number = 0);

/// <summary>
/// The lines one socket will write, taken in order by its single writer loop. Two channels: the gateway's own
/// lines (PONG, registration, joins, QUIT) go first and unthrottled, so a queue of user lines can never make
/// the server think the gateway is dead; the user's lines wait in a bounded channel behind the
/// <see cref="FloodLimiter"/>. User lines can be held back until registration is done, because a server
/// drops commands (InspIRCd: JOIN) sent before its welcome.
/// </summary>
internal sealed class OutgoingQueue
{
    /// <summary>
    /// Not bounded: each gateway line answers something (a PING, the welcome, a MODE) and refusing one would break
    /// the connection; a writer that stops taking them is a dead socket, which the ping loop finds and closes.
    /// </summary>
    private readonly Channel<OutgoingLine> _priority = Channel.CreateUnbounded<OutgoingLine>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<OutgoingLine> _user;
    /// <summary>A request's lines go in whole or not at all, and never mixed with another request's.</summary>
    private readonly Lock _userWriters = new();
    private readonly TaskCompletionSource _userLinesOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _capacity;
    private readonly FloodLimiter _flood;
    private readonly TimeProvider _time;
    private volatile bool _completed;

    public OutgoingQueue(int capacity, FloodLimiter flood, TimeProvider time, bool userLinesOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _user = Channel.CreateBounded<OutgoingLine>(new BoundedChannelOptions(capacity) { SingleReader = true });
        _flood = flood;
        _time = time;
        if (userLinesOpen) _userLinesOpen.SetResult();
    }

    /// <summary>Queues a gateway line ahead of every user line. Ignored once the queue is completed.</summary>
    public void EnqueuePriority(string line) => _priority.Writer.TryWrite(new OutgoingLine(line, FromUser: false, Message: null));

    /// <summary>Queues every line or, when they do not all fit, none (the caller reports the queue full).</summary>
    public bool TryEnqueueUser(IReadOnlyList<OutgoingLine> lines)
    {
        lock (_userWriters)
        {
            // Only the writer loop takes lines out meanwhile, so what fits now still fits below.
            if (_completed || _user.Reader.Count + lines.Count > _capacity) return false;
            foreach (var line in lines) _user.Writer.TryWrite(line);
        }
        return true;
    }

    /// <summary>Lets user lines go out (after the welcome when the gateway registers).</summary>
    public void OpenUserLines() => _userLinesOpen.TrySetResult();

    /// <summary>Refuses further lines; what is queued is dropped with the socket.</summary>
    public void Complete()
    {
        lock (_userWriters) _completed = true;
        _priority.Writer.TryComplete();
        _user.Writer.TryComplete();
    }

    /// <summary>The user's lines that were queued and never written; call once the writer loop has stopped (one reader at a time).</summary>
    public IReadOnlyList<string> TakeUnsent()
    {
        var unsent = new List<string>();
        while (_user.Reader.TryRead(out var line)) unsent.Add(line.Text);
        return unsent;
    }

    /// <summary>Waits for the next line that may be written now: a priority line, or a user line flood control lets through.</summary>
    public async ValueTask<OutgoingLine> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(out var line, out var floodWait)) return line;
            if (_completed)
            {
                // Nothing more will be written; the socket's loops are being stopped.
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken).ConfigureAwait(false);
            }
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var priority = _priority.Reader.WaitToReadAsync(waiting.Token).AsTask();
            var user = !_userLinesOpen.Task.IsCompleted ? _userLinesOpen.Task
                : floodWait is { } wait ? Task.Delay(wait, _time, waiting.Token)
                : _user.Reader.WaitToReadAsync(waiting.Token).AsTask();
            await Task.WhenAny(priority, user).ConfigureAwait(false);
            // The other wait is given up, so no waiter is left behind on a channel.
            await waiting.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The next line when one may be written at once, so the writer can put several in one socket write.</summary>
    public bool TryTakeNow(out OutgoingLine line) => TryTake(out line, out _);

    /// <summary>Only the writer loop calls this (and so the flood limiter): a user line is looked at, then taken, by its one reader.</summary>
    private bool TryTake(out OutgoingLine line, out TimeSpan? floodWait)
    {
        floodWait = null;
        line = default;
        if (_completed) return false;
        if (_priority.Reader.TryRead(out line)) return true;
        if (!_userLinesOpen.Task.IsCompleted || !_user.Reader.TryPeek(out _)) return false;
        if (_flood.TryTake(out var wait)) return _user.Reader.TryRead(out line);
        floodWait = wait;
        return false;
    }
}

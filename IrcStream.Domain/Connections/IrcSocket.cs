using System.Buffers;
using IrcStream.Domain.Client;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>
/// The loops of one socket: a read loop that frames and parses lines and a single writer loop over an
/// <see cref="OutgoingQueue"/>; the clock's shared <see cref="PingWheel"/> checks it for a silent server. The read
/// and write loops post what happened to the <see cref="ClientLoop"/>, the only one that talks to the
/// <see cref="IrcClient"/>. They stop together on one token, and <see cref="RunAsync"/> returns only when both
/// have.
/// </summary>
internal sealed class IrcSocket : IPingWatched
{
    /// <summary>The read buffer, rented while data comes in: room for an unfinished line of the longest kind and as much again.</summary>
    private const int ReadBufferBytes = 2 * IrcLimits.MaxIncomingLineBytes;

    private readonly Stream _stream;
    private readonly IrcClient _client;
    private readonly ClientLoop _clientLoop;
    private readonly IrcEngineSettings _settings;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completed by the ping check when the server did not answer PING: the socket ends with that.</summary>
    private readonly TaskCompletionSource<SocketEnd> _silent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PingWheel _pingWheel;
    private long _lastTraffic;
    private volatile bool _open = true;
    private int _pings;
    /// <summary>When the gateway's own PING went out, while it waits for an answer; only the ping check reads and writes these.</summary>
    private long _pingSentAt;
    private bool _pingOutstanding;
    private readonly IConnectionOwnership? _ownership;
    /// <summary>A user line the writer took and holds at the write fence (a reference, so another thread reads it whole).</summary>
    private volatile NumberedLine? _takenUnwritten;
    private long _userWritten;

    // ownership: the node's hold on the connection (MayWrite false before a write ends the socket unwritten); none when the gateway runs alone.
    public IrcSocket(Stream stream, IrcClient client, ConnectionJournal journal, IrcEngineSettings settings, IConnectionOwnership? ownership = null)
    {
        (_stream, _client, _settings, _time, _ownership) = (stream, client, settings, settings.Time, ownership);
        Outgoing = new OutgoingQueue(settings.SendQueueCapacity, new FloodLimiter(settings.FloodBurst, settings.FloodInterval, _time), _time, userLinesOpen: false);
        _clientLoop = new ClientLoop(client, journal, Outgoing);
        _pingWheel = PingWheel.For(_time);
    }

    public OutgoingQueue Outgoing { get; }

    /// <summary>The user's lines still queued when the socket ended, never written; empty until <see cref="RunAsync"/> returns.</summary>
    public IReadOnlyList<string> Unsent { get; private set; } = [];

    /// <summary>
    /// The user's lines accepted and not written yet: the one the writer holds at the write fence, then those queued.
    /// Lines the writer has taken and is writing at this instant are in neither, nor yet in <see cref="UnwrittenLines.WrittenUpTo"/>.
    /// </summary>
    public UnwrittenLines Unwritten()
    {
        var written = Volatile.Read(ref _userWritten);
        var held = _takenUnwritten;
        var queued = Outgoing.UserWaiting();
        return new UnwrittenLines(written, held is null ? queued : [held, .. queued]);
    }

    /// <summary>True while the socket is up: lines sent now will be written.</summary>
    public bool IsOpen => _open;

    /// <summary>Completes when the server closed the socket or it was lost; what a closing connection waits for after QUIT.</summary>
    public Task ReadEnded => _readEnded.Task;

    /// <summary>Tells the client the socket is up (<paramref name="detail"/>), runs the loops until the socket ends, and says how it ended.</summary>
    public async Task<SocketEnd> RunAsync(string detail, CancellationToken stop)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _lastTraffic = _time.GetTimestamp();
        _clientLoop.Opened(detail, _time.GetUtcNow());
        Task<SocketEnd>[] loops = [ReadLoopAsync(running.Token), WriteLoopAsync(running.Token)];
        _pingWheel.Watch(this, _pingWheel.After(_lastTraffic, _settings.PingIdle));
        var first = await Task.WhenAny([.. loops, _silent.Task]).ConfigureAwait(false);
        _open = false;
        _pingWheel.Unwatch(this);
        Outgoing.Complete();
        await running.CancelAsync().ConfigureAwait(false);
        // Disposing the stream also ends a read or write that does not watch the token (SslStream mid-record).
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            Unsent = _takenUnwritten is { } taken ? [taken.Text, .. Outgoing.TakeUnsent()] : Outgoing.TakeUnsent();
        }
        // What was read before the end (the server's ERROR) went through the client as it was read.
        return (await first.ConfigureAwait(false)).After(_client.State);
    }

    private async Task<SocketEnd> ReadLoopAsync(CancellationToken cancellationToken)
    {
        var framer = new IrcLineFramer();
        // The stream read straight into a rented buffer rather than through a PipeReader (its own token source,
        // registration, segments and read state, held by every idle socket). Between reads the buffer holds only an
        // unfinished line, at its start; the framer drops a line before it outgrows the buffer.
        byte[]? buffer = null;
        var held = 0;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    // A zero-byte read: an idle connection waits for data without holding a read buffer.
                    await _stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
                }
                var read = await _stream.ReadAsync(buffer.AsMemory(held), cancellationToken).ConfigureAwait(false);
                if (read == 0) return SocketEnd.ServerClosed;
                Volatile.Write(ref _lastTraffic, _time.GetTimestamp());
                var length = held + read;
                var unframed = new ReadOnlySequence<byte>(buffer, 0, length);
                FrameResult frame;
                while ((frame = framer.TryReadLine(ref unframed, out var line)) != FrameResult.NeedMoreData)
                {
                    var input = SocketInput.Framed(frame, line, framer.LastError, _time.GetUtcNow());
                    if (input.Kind == SocketInputKind.Received) _settings.Metrics.EventReceived();
                    _clientLoop.Post(input);
                }
                held = (int)unframed.Length;
                if (held > 0)
                {
                    buffer.AsSpan(length - held, held).CopyTo(buffer);
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (Exception failure) when (SocketEnd.Ends(failure, cancellationToken))
        {
            return SocketEnd.Of(failure, "The connection was lost", cancellationToken);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            _readEnded.TrySetResult();
        }
    }

    private async Task<SocketEnd> WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // The queue's own wait rather than TakeAsync: an idle socket holds no state machine for it.
                OutgoingLine line;
                while (!Outgoing.TryTake(out line, out var woken, cancellationToken)) await woken.ConfigureAwait(false);
                if (_ownership?.MayWrite == false)
                {
                    // This gateway cannot tell now whether it may still speak for the user (its claim could not be
                    // confirmed lately): the line waits, unwritten, until it can, or until the connection is let go, when
                    // the cancellation ends the socket and the line is reported with those behind it as not sent.
                    if (line.FromUser) _takenUnwritten = new NumberedLine(line.Number, line.Text);
                    await IrcConnection.FenceOpenAsync(_ownership, _time, cancellationToken).ConfigureAwait(false);
                    _takenUnwritten = null;
                }
                using var batch = new LineBatch();
                do
                {
                    batch.Add(line);
                    // Told before the write, so the log has an own message before any reply the server sends to it.
                    _clientLoop.Post(SocketInput.Written(line, _time.GetUtcNow()));
                }
                while (!batch.IsFull && Outgoing.TryTakeNow(out line));
                await _stream.WriteAsync(batch.Bytes, cancellationToken).ConfigureAwait(false);
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                _settings.Metrics.LinesWritten(batch.FromUser, batch.FromGateway);
                if (batch.FromUser > 0)
                {
                    Volatile.Write(ref _userWritten, batch.LastUserNumber);
                    _ownership?.UserLinesWritten(batch.LastUserNumber);
                }
            }
        }
        catch (Exception failure) when (SocketEnd.Ends(failure, cancellationToken))
        {
            return SocketEnd.Of(failure, "The connection was lost while writing", cancellationToken);
        }
    }

    /// <summary>
    /// The ping check, on the wheel's timer: once the server has been silent for PingIdle (traffic meanwhile moves
    /// the check on), a PING; when nothing at all came in the PingTimeout after it, the socket ends.
    /// </summary>
    long? IPingWatched.CheckPing(long now)
    {
        if (!_open) return null;
        var lastTraffic = Volatile.Read(ref _lastTraffic);
        if (_pingOutstanding)
        {
            if (lastTraffic < _pingSentAt)
            {
                if (_time.GetElapsedTime(_pingSentAt, now) < _settings.PingTimeout) return _pingWheel.After(_pingSentAt, _settings.PingTimeout);
                _silent.TrySetResult(new SocketEnd(
                    $"The server sent nothing for {(_settings.PingIdle + _settings.PingTimeout).TotalSeconds:0.###} s and did not answer PING.", Reconnect: true));
                return null;
            }
            _pingOutstanding = false;
        }
        if (_time.GetElapsedTime(lastTraffic, now) < _settings.PingIdle) return _pingWheel.After(lastTraffic, _settings.PingIdle);
        (_pingSentAt, _pingOutstanding) = (now, true);
        Outgoing.EnqueuePriority($"PING :ircstream-{++_pings}");
        return _pingWheel.After(now, _settings.PingTimeout);
    }
}

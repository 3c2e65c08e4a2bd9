using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using IrcStream.Domain.Client;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>How a socket ended: the DISCONNECTED detail, and whether the connection should come back.</summary>
internal sealed record SocketEnd(string Detail, bool Reconnect);

/// <summary>
/// The loops of one socket, feeding an <see cref="IrcClient"/> and carrying out what it decides: a read loop
/// that frames and parses lines, a single writer loop over an <see cref="OutgoingQueue"/>, a ping loop that
/// notices a silent server, and a client loop, the only one that talks to the <see cref="IrcClient"/>, fed by
/// the read and write loops through one channel in the order things happened. They stop together on one token,
/// and <see cref="RunAsync"/> returns only when all of them have.
/// </summary>
internal sealed class IrcSocket
{
    /// <summary>One socket write holds at most this much, so a long queue is written in a few large writes.</summary>
    private const int WriteBatchBytes = 16 * 1024;

    /// <summary>Inputs waiting for the client loop; a full channel makes the read loop wait, and so the server.</summary>
    private const int InputCapacity = 256;

    private readonly Stream _stream;
    private readonly IrcClient _client;
    private readonly ConnectionJournal _journal;
    private readonly IrcEngineSettings _settings;
    private readonly TimeProvider _time;
    private readonly IrcClientOutput _output = new();
    private readonly Channel<SocketInput> _inputs = Channel.CreateBounded<SocketInput>(
        new BoundedChannelOptions(InputCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastTraffic;
    private volatile bool _open = true;
    private int _pings;

    public IrcSocket(Stream stream, IrcClient client, ConnectionJournal journal, IrcEngineSettings settings)
    {
        _stream = stream;
        _client = client;
        _journal = journal;
        _settings = settings;
        _time = settings.Time;
        Outgoing = new OutgoingQueue(
            _settings.SendQueueCapacity,
            new FloodLimiter(_settings.FloodBurst, _settings.FloodInterval, _time),
            _time,
            userLinesOpen: false);
    }

    public OutgoingQueue Outgoing { get; }

    /// <summary>True while the socket is up: lines sent now will be written.</summary>
    public bool IsOpen => _open;

    /// <summary>Completes when the server closed the socket or it was lost; what a closing connection waits for after QUIT.</summary>
    public Task ReadEnded => _readEnded.Task;

    /// <summary>Tells the client the socket is up (<paramref name="detail"/>), runs the loops until the socket ends, and says how it ended.</summary>
    public async Task<SocketEnd> RunAsync(string detail, CancellationToken stop)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _lastTraffic = _time.GetTimestamp();
        _client.Opened(detail, _time.GetUtcNow(), _output);
        CarryOut();
        var clientLoop = ClientLoopAsync();
        var loops = new[] { ReadLoopAsync(running.Token), WriteLoopAsync(running.Token), PingLoopAsync(running.Token) };
        var first = await Task.WhenAny([.. loops, clientLoop]).ConfigureAwait(false);
        _open = false;
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
            // What was read before the end (the server's ERROR) still goes through the client.
            _inputs.Writer.TryComplete();
            await clientLoop.ConfigureAwait(false);
        }
        var end = first == clientLoop ? new SocketEnd("The connection was closed.", Reconnect: false) : await first.ConfigureAwait(false);
        var state = _client.State;
        if (state.UserQuit) return new SocketEnd("The user sent QUIT.", Reconnect: false);
        return end == ServerClosed && state.ServerError is { } error ? end with { Detail = $"The server closed the connection: {error}" } : end;
    }

    private static readonly SocketEnd ServerClosed = new("The server closed the connection.", Reconnect: true);

    private async Task<SocketEnd> ReadLoopAsync(CancellationToken cancellationToken)
    {
        // Zero-byte reads: an idle connection waits for data without holding a rented read buffer.
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
        var framer = new IrcLineFramer();
        var inputs = _inputs.Writer;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _lastTraffic, _time.GetTimestamp());
                var buffer = result.Buffer;
                FrameResult frame;
                while ((frame = framer.TryReadLine(ref buffer, out var line)) != FrameResult.NeedMoreData)
                {
                    var input = frame == FrameResult.TooLong ? SocketInput.Unreadable(framer.LastError!, _time.GetUtcNow())
                        : IrcMessage.TryParse(line!, out var message) ? SocketInput.Received(message, _time.GetUtcNow())
                        : SocketInput.Unreadable($"The server sent a line that is not an IRC message; it was skipped: {line}", _time.GetUtcNow());
                    if (!inputs.TryWrite(input)) await inputs.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return ServerClosed;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SocketEnd("The connection was closed.", Reconnect: false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return new SocketEnd($"The connection was lost: {ex.Message}", Reconnect: true);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _readEnded.TrySetResult();
        }
    }

    /// <summary>The only caller of the <see cref="IrcClient"/> while the socket is up; ends once the inputs are completed and drained.</summary>
    private async Task<SocketEnd> ClientLoopAsync()
    {
        var inputs = _inputs.Reader;
        while (await inputs.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inputs.TryRead(out var input))
            {
                switch (input.Kind)
                {
                    case SocketInputKind.Received:
                        _client.Receive(input.Message!, input.Time, _output);
                        GatewayMetrics.EventReceived();
                        break;
                    case SocketInputKind.Unreadable:
                        IrcClient.Unreadable(input.Text!, input.Time, _output);
                        break;
                    case SocketInputKind.Written:
                        _client.Written(input.Text!, input.Message, input.FromUser, input.Time, _output);
                        break;
                }
                CarryOut();
            }
        }
        return new SocketEnd("The connection was closed.", Reconnect: false);
    }

    /// <summary>Does what the client decided: its lines to the priority path, its events to the log.</summary>
    private void CarryOut()
    {
        if (_output.IsEmpty) return;
        _journal.Record(_output);
        foreach (var line in _output.Lines) Outgoing.EnqueuePriority(line);
        if (_output.OpenUserLines) Outgoing.OpenUserLines();
        _output.Clear();
    }

    private async Task<SocketEnd> WriteLoopAsync(CancellationToken cancellationToken)
    {
        var inputs = _inputs.Writer;
        try
        {
            while (true)
            {
                var line = await Outgoing.TakeAsync(cancellationToken).ConfigureAwait(false);
                // Rented per batch, not held: an idle connection (most of them) keeps no write buffer.
                var buffer = ArrayPool<byte>.Shared.Rent(WriteBatchBytes);
                var written = 0;
                try
                {
                    int fromUser = 0, fromGateway = 0;
                    do
                    {
                        Encode(line.Text, ref buffer, ref written);
                        // Told before the write, so the log has an own message before any reply the server sends to it.
                        var input = SocketInput.Written(line, _time.GetUtcNow());
                        if (!inputs.TryWrite(input)) await inputs.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                        if (line.FromUser) fromUser++;
                        else fromGateway++;
                    }
                    while (written < WriteBatchBytes && Outgoing.TryTakeNow(out line));

                    await _stream.WriteAsync(buffer.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                    await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                    GatewayMetrics.LinesWritten(fromUser, fromGateway);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SocketEnd("The connection was closed.", Reconnect: false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return new SocketEnd($"The connection was lost while writing: {ex.Message}", Reconnect: true);
        }
    }

    /// <summary>Appends the line and CR-LF at <paramref name="written"/>, swapping in a larger pooled buffer when it does not fit.</summary>
    private static void Encode(string text, ref byte[] buffer, ref int written)
    {
        var needed = written + Encoding.UTF8.GetByteCount(text) + 2;
        if (needed > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(needed);
            buffer.AsSpan(0, written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        written += Encoding.UTF8.GetBytes(text, buffer.AsSpan(written));
        buffer[written++] = (byte)'\r';
        buffer[written++] = (byte)'\n';
    }

    private async Task<SocketEnd> PingLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var idle = _time.GetElapsedTime(Volatile.Read(ref _lastTraffic));
                if (idle < _settings.PingIdle)
                {
                    await Task.Delay(_settings.PingIdle - idle, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var sentAt = _time.GetTimestamp();
                Outgoing.EnqueuePriority($"PING :ircstream-{++_pings}");
                await Task.Delay(_settings.PingTimeout, _time, cancellationToken).ConfigureAwait(false);
                if (Volatile.Read(ref _lastTraffic) < sentAt)
                {
                    return new SocketEnd(
                        $"The server sent nothing for {(_settings.PingIdle + _settings.PingTimeout).TotalSeconds:0.###} s and did not answer PING.",
                        Reconnect: true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SocketEnd("The connection was closed.", Reconnect: false);
        }
    }
}

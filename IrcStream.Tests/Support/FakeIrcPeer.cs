using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

/// <summary>
/// One connection to the <see cref="FakeIrcServer"/>, seen from the server: send raw bytes or lines, and wait
/// for the lines the client sent. <see cref="WaitForAsync"/> consumes the line it returns, so two waits for
/// the same command see two lines.
/// </summary>
public sealed class FakeIrcPeer : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(string Line, IrcMessage? Message, long Timestamp)> _received = [];
    private readonly HashSet<int> _consumed = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal FakeIrcPeer(Stream stream)
    {
        _stream = stream;
        _readLoop = ReadLoopAsync();
    }

    /// <summary>Every line received so far, oldest first.</summary>
    public IReadOnlyList<string> ReceivedLines
    {
        get
        {
            lock (_gate) return _received.Select(r => r.Line).ToArray();
        }
    }

    /// <summary>Every line received so far with its <see cref="System.Diagnostics.Stopwatch"/> timestamp at arrival.</summary>
    public IReadOnlyList<(string Line, long Timestamp)> ReceivedWithTimes
    {
        get
        {
            lock (_gate) return _received.Select(r => (r.Line, r.Timestamp)).ToArray();
        }
    }

    /// <summary>Completes when the client closed the connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Sends each line with CRLF, in one write.</summary>
    public Task SendLinesAsync(CancellationToken cancellationToken, params string[] lines) =>
        SendBytesAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\r\n"))), cancellationToken);

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The first line not yet consumed that matches, waiting for it if needed.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>; lists what was received.</exception>
    public async Task<IrcMessage> WaitForAsync(Func<IrcMessage, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                for (var i = 0; i < _received.Count; i++)
                {
                    if (_consumed.Contains(i) || _received[i].Message is not { } message || !predicate(message)) continue;
                    _consumed.Add(i);
                    return message;
                }
                arrived = _arrived.Task;
            }
            try
            {
                await arrived.WaitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"The fake server did not receive the awaited line within {timeout.TotalSeconds:0.#} s. Received:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", ReceivedLines)}");
            }
        }
    }

    /// <summary>Waits for a line with this command (and first parameter, when given).</summary>
    public Task<IrcMessage> WaitForAsync(string command, TimeSpan timeout, CancellationToken cancellationToken, string? firstParam = null) =>
        WaitForAsync(m => m.Command == command && (firstParam is null || (m.Params.Count > 0 && m.Params[0] == firstParam)), timeout, cancellationToken);

    /// <summary>Plays a server without CAP: waits for USER, then welcomes the nick last sent with NICK.</summary>
    public async Task<string> WelcomeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var nick = (await WaitForAsync("NICK", timeout, cancellationToken)).Params[0];
        await WaitForAsync("USER", timeout, cancellationToken);
        await SendLinesAsync(cancellationToken, $":fake.server 001 {nick} :Welcome {nick}");
        return nick;
    }

    /// <summary>
    /// Plays CAP negotiation: waits for CAP LS, offers <paramref name="offered"/>, acknowledges whatever the
    /// client requests and returns the requested caps.
    /// </summary>
    public async Task<string[]> NegotiateCapsAsync(string offered, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WaitForAsync("CAP", timeout, cancellationToken, "LS");
        await SendLinesAsync(cancellationToken, $":fake.server CAP * LS :{offered}");
        var request = await WaitForAsync("CAP", timeout, cancellationToken, "REQ");
        await SendLinesAsync(cancellationToken, $":fake.server CAP * ACK :{request.Params[^1]}");
        return request.Params[^1].Split(' ');
    }

    /// <summary>Plays the server's side of SASL PLAIN up to the result: returns the decoded credentials the client sent.</summary>
    public async Task<string> ReceiveSaslPlainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var mechanism = await WaitForAsync("AUTHENTICATE", timeout, cancellationToken);
        if (mechanism.Params[0] != "PLAIN") throw new InvalidOperationException($"The client asked for SASL {mechanism.Params[0]}, not PLAIN.");
        await SendLinesAsync(cancellationToken, "AUTHENTICATE +");
        var credentials = await WaitForAsync("AUTHENTICATE", timeout, cancellationToken);
        return Encoding.UTF8.GetString(Convert.FromBase64String(credentials.Params[0]));
    }

    /// <summary>Sends PING and waits for its PONG: everything the client sent before answering has arrived.</summary>
    public async Task SyncAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var token = "sync-" + Guid.NewGuid().ToString("N")[..8];
        await SendLinesAsync(cancellationToken, $"PING :{token}");
        await WaitForAsync(m => m.Command == "PONG" && m.Params[^1] == token, timeout, cancellationToken);
    }

    /// <summary>Closes the connection from the server's side.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        await _stream.DisposeAsync();
        await _readLoop;
        _stop.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        var framer = new IrcLineFramer();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (framer.TryReadLine(ref buffer, out var line) is var frame && frame != FrameResult.NeedMoreData)
                {
                    if (frame == FrameResult.Line) Record(line!);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Closed by either side.
        }
        await reader.CompleteAsync();
        _closed.TrySetResult();
    }

    private void Record(string line)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _received.Add((line, IrcMessage.TryParse(line, out var message) ? message : null, System.Diagnostics.Stopwatch.GetTimestamp()));
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        arrived.TrySetResult();
    }
}

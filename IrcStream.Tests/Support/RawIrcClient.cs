using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

/// <summary>
/// A bare IRC client for tests: a TCP connection that registers, answers PING by itself, records every
/// message it receives, and lets a test wait for the message it expects.
/// </summary>
/// <remarks>
/// <see cref="WaitForAsync"/> consumes only the message it returns: each received message is handed to at most
/// one wait, and a later wait still sees messages that arrived before an earlier match. The replies the
/// client waited for while registering (CAP LS/ACK, 001) are consumed; the rest of the welcome burst is not.
/// </remarks>
public sealed class RawIrcClient : IAsyncDisposable
{
    private const int RecentLinesKept = 30;
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(2);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<IrcMessage> _received = [];
    private readonly List<bool> _consumed = [];
    private readonly Queue<string> _recentLines = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _firstUnconsumed;
    private string? _closeReason;
    private Task _readLoop = Task.CompletedTask;
    private int _disposed;

    private RawIrcClient(TcpClient tcp, string nick)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Nick = nick;
    }

    /// <summary>The nick the server welcomed (001), kept up to date when the server confirms a NICK change.</summary>
    public string Nick { get; private set; }

    /// <summary>The caps the server listed in CAP LS (name to value, "" without one); empty when caps were not negotiated.</summary>
    public IReadOnlyDictionary<string, string> AvailableCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The caps the server acknowledged.</summary>
    public IReadOnlySet<string> EnabledCapabilities { get; private set; } = new HashSet<string>();

    /// <summary>A snapshot of every message received since connect, oldest first.</summary>
    public IReadOnlyList<IrcMessage> Received
    {
        get
        {
            lock (_gate) return _received.ToArray();
        }
    }

    /// <summary>Completes when the connection is closed (by the server, an error, or dispose).</summary>
    public Task Closed => _closed.Task;

    /// <summary>A nick no other test uses: <paramref name="prefix"/> plus 8 random hex digits (fits NICKLEN=30 for short prefixes).</summary>
    public static string UniqueNick(string prefix = "t") => prefix + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 4).ToLowerInvariant();

    /// <summary>Connects and registers with NICK/USER; returns after 001.</summary>
    public static Task<RawIrcClient> ConnectAsync(string host, int port, string nick, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, new RawIrcClientOptions { Nick = nick }, cancellationToken);

    /// <summary>Connects, negotiates <paramref name="capabilities"/> (CAP LS 302, CAP REQ, CAP END) and registers; returns after 001.</summary>
    public static Task<RawIrcClient> ConnectAsync(string host, int port, string nick, IEnumerable<string> capabilities, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, new RawIrcClientOptions { Nick = nick, Capabilities = capabilities.ToArray() }, cancellationToken);

    /// <summary>Connects and registers as <paramref name="options"/> say; returns after 001.</summary>
    /// <exception cref="InvalidOperationException">The server refused the nick, a cap, or the connection.</exception>
    /// <exception cref="TimeoutException">No 001 within <see cref="RawIrcClientOptions.RegistrationTimeout"/>.</exception>
    public static async Task<RawIrcClient> ConnectAsync(string host, int port, RawIrcClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(options.RegistrationTimeout);
            await tcp.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new RawIrcClient(tcp, options.Nick);
        client._readLoop = client.ReadLoopAsync(client._stop.Token);
        try
        {
            await client.RegisterAsync(options, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends one line; CRLF is added.</summary>
    /// <exception cref="ArgumentException">The line contains CR, LF or NUL (send two lines instead).</exception>
    public async Task SendAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A line must not contain CR, LF or NUL.", nameof(line));
        }
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The first received message matching <paramref name="predicate"/> that no earlier wait took: one already
    /// received, or else the next to arrive.
    /// </summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>; the message lists the last lines received.</exception>
    /// <exception cref="IOException">The connection closed before a match arrived.</exception>
    public async Task<IrcMessage> WaitForAsync(Func<IrcMessage, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var scanFrom = -1;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                // Messages already checked against this predicate stay unmatched, so later passes only look at new ones.
                var start = scanFrom < 0 ? _firstUnconsumed : Math.Max(scanFrom, _firstUnconsumed);
                for (var i = start; i < _received.Count; i++)
                {
                    if (_consumed[i] || !predicate(_received[i])) continue;
                    _consumed[i] = true;
                    while (_firstUnconsumed < _consumed.Count && _consumed[_firstUnconsumed]) _firstUnconsumed++;
                    return _received[i];
                }
                scanFrom = _received.Count;
                if (_closeReason is not null)
                {
                    throw new IOException($"{Nick}: the connection closed ({_closeReason}) before the awaited message arrived. {DescribeRecentLines()}");
                }
                arrived = _arrived.Task;
            }
            try
            {
                await arrived.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                string recent;
                lock (_gate) recent = DescribeRecentLines();
                throw new TimeoutException($"{Nick}: no awaited message within {timeout.TotalSeconds:0.###} s. {recent}");
            }
        }
    }

    /// <summary>Sends QUIT (best effort) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!_closed.Task.IsCompleted)
        {
            try
            {
                using var quitTimeout = new CancellationTokenSource(QuitTimeout);
                await SendAsync("QUIT :test done", quitTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server is gone already; nothing to tell it.
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _tcp.Client.Close();
        await _readLoop.ConfigureAwait(false);
        _tcp.Dispose();
        _stop.Dispose();
        _writeLock.Dispose();
    }

    public override string ToString() => $"RawIrcClient {Nick}";

    private async Task RegisterAsync(RawIrcClientOptions options, CancellationToken cancellationToken)
    {
        var negotiate = options.Capabilities.Count > 0;
        try
        {
            foreach (var line in options.LinesBeforeRegistration) await SendAsync(line, cancellationToken).ConfigureAwait(false);
            if (negotiate) await SendAsync("CAP LS 302", cancellationToken).ConfigureAwait(false);
            await SendAsync($"NICK {options.Nick}", cancellationToken).ConfigureAwait(false);
            await SendAsync($"USER {options.User} 0 * :{options.RealName}", cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The server hung up (e.g. after a refused WEBIRC); the wait below reports the ERROR it sent, which says why.
        }

        if (negotiate) await NegotiateCapabilitiesAsync(options, cancellationToken).ConfigureAwait(false);

        var reply = await WaitForAsync(
            m => m.Command is "001" or "432" or "433" or "436" or "437" or "465" or "ERROR",
            options.RegistrationTimeout,
            cancellationToken).ConfigureAwait(false);
        if (reply.Command != "001")
        {
            throw new InvalidOperationException($"Registration as {options.Nick} was refused: {reply}");
        }
        Nick = reply.Params[0];
    }

    private async Task NegotiateCapabilitiesAsync(RawIrcClientOptions options, CancellationToken cancellationToken)
    {
        var available = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var ls = await WaitForAsync(m => IsCap(m, "LS") || m.Command == "ERROR", options.RegistrationTimeout, cancellationToken).ConfigureAwait(false);
            if (ls.Command == "ERROR") throw new InvalidOperationException($"Registration as {options.Nick} was refused: {ls}");
            foreach (var token in ls.Params[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = token.IndexOf('=', StringComparison.Ordinal);
                available[eq < 0 ? token : token[..eq]] = eq < 0 ? "" : token[(eq + 1)..];
            }
            // "CAP * LS * :..." means more LS lines follow (CAP 302 multiline).
            if (!(ls.Params.Count >= 4 && ls.Params[2] == "*")) break;
        }
        AvailableCapabilities = available;

        await SendAsync($"CAP REQ :{string.Join(' ', options.Capabilities)}", cancellationToken).ConfigureAwait(false);
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        while (!options.Capabilities.All(enabled.Contains))
        {
            var answer = await WaitForAsync(m => IsCap(m, "ACK") || IsCap(m, "NAK"), options.RegistrationTimeout, cancellationToken)
                .ConfigureAwait(false);
            if (answer.Params[1] == "NAK")
            {
                throw new InvalidOperationException(
                    $"The server refused CAP REQ :{answer.Params[^1]}; it offers: {string.Join(' ', available.Keys)}");
            }
            enabled.UnionWith(answer.Params[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        EnabledCapabilities = enabled;
        await SendAsync("CAP END", cancellationToken).ConfigureAwait(false);
    }

    private static bool IsCap(IrcMessage message, string subcommand) =>
        message.Command == "CAP" && message.Params.Count >= 3 && message.Params[1] == subcommand;

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        var framer = new IrcLineFramer();
        string reason;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                List<string>? pongs = null;
                while (true)
                {
                    var frame = framer.TryReadLine(ref buffer, out var line);
                    if (frame == FrameResult.NeedMoreData) break;
                    if (frame == FrameResult.TooLong)
                    {
                        Record("(an over-long line was dropped)", null);
                        continue;
                    }
                    if (!IrcMessage.TryParse(line!, out var message))
                    {
                        Record(line!, null);
                        continue;
                    }
                    if (message.Command == "PING") (pongs ??= []).Add(message.Params.Count > 0 ? $"PONG :{message.Params[^1]}" : "PONG");
                    Record(line!, message);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (pongs is not null)
                {
                    foreach (var pong in pongs) await SendAsync(pong, cancellationToken).ConfigureAwait(false);
                }
                if (result.IsCompleted) break;
            }
            reason = "the server closed it";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "the client was disposed";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = cancellationToken.IsCancellationRequested ? "the client was disposed" : ex.Message;
        }
        await reader.CompleteAsync().ConfigureAwait(false);
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _closeReason = reason;
            arrived = _arrived;
        }
        arrived.TrySetResult();
        _closed.TrySetResult();
    }

    private void Record(string line, IrcMessage? message)
    {
        TaskCompletionSource? arrived = null;
        lock (_gate)
        {
            _recentLines.Enqueue(line);
            if (_recentLines.Count > RecentLinesKept) _recentLines.Dequeue();
            if (message is not null)
            {
                _received.Add(message);
                _consumed.Add(false);
                if (message.Command == "NICK" && message.Params.Count > 0 && message.Source is { } source
                    && string.Equals(IrcSource.Parse(source).Nick, Nick, StringComparison.OrdinalIgnoreCase))
                {
                    Nick = message.Params[0];
                }
                arrived = _arrived;
                _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        arrived?.TrySetResult();
    }

    private string DescribeRecentLines() =>
        _recentLines.Count == 0
            ? "Nothing was received."
            : $"Last {_recentLines.Count} lines received:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", _recentLines)}";
}

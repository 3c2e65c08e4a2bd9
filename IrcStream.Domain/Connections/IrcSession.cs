using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>How a session ended: the DISCONNECTED detail, and whether the connection should come back.</summary>
internal sealed record SessionEnd(string Detail, bool Reconnect);

/// <summary>
/// The life of one socket: a read loop (every line becomes an event; PING is answered at once; nick, caps and
/// channels are followed), a single writer loop over an <see cref="OutgoingQueue"/>, and a ping loop that
/// notices a silent server. The three stop together on one token, and <see cref="RunAsync"/> returns only
/// when all of them have.
/// </summary>
internal sealed class IrcSession
{
    /// <summary>One socket write holds at most this much, so a long queue is written in a few large writes.</summary>
    private const int WriteBatchBytes = 16 * 1024;

    /// <summary>Longest QUIT reason sent: well inside the line limit whatever the reason's script.</summary>
    private const int MaxQuitReasonChars = 120;

    private readonly IrcConnection _owner;
    private readonly Stream _stream;
    private readonly IrcEngineSettings _settings;
    private readonly TimeProvider _time;
    private readonly IrcRegistration? _registration;
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The caps the server acknowledged on this socket (ACK adds, ACK of -cap and DEL remove); read loop only.</summary>
    private readonly HashSet<string> _enabledCaps = new(StringComparer.Ordinal);

    /// <summary>Guards <see cref="_echoMessage"/>, <see cref="_echoRequestPending"/> and <see cref="_heldOwnLines"/>, shared by the read and write loops.</summary>
    private readonly Lock _echoGate = new();

    /// <summary>Own PRIVMSG/NOTICE written while a CAP REQ naming echo-message awaited its answer, with the time they were written.</summary>
    private readonly List<(IrcMessage Message, DateTimeOffset Time)> _heldOwnLines = [];
    private long _lastTraffic;
    private bool _echoMessage;
    private bool _echoRequestPending;
    private volatile bool _open = true;
    private volatile bool _userQuit;
    private string? _serverError;
    private int _pings;

    public IrcSession(IrcConnection owner, Stream stream)
    {
        _owner = owner;
        _stream = stream;
        _settings = owner.Settings;
        _time = _settings.Time;
        var gatewayRegisters = !string.IsNullOrEmpty(owner.Options.Nick);
        Outgoing = new OutgoingQueue(
            _settings.SendQueueCapacity,
            new FloodLimiter(_settings.FloodBurst, _settings.FloodInterval, _time),
            _time,
            // The client's own NICK/USER must go out at once; when the gateway registers, user lines wait for 001.
            userLinesOpen: !gatewayRegisters);
        if (gatewayRegisters) _registration = new IrcRegistration(owner.Options, SendGatewayLine, owner.ReportError);
    }

    public OutgoingQueue Outgoing { get; }

    /// <summary>True while the socket is up: lines sent now will be written.</summary>
    public bool IsOpen => _open;

    /// <summary>Completes when the server closed the socket or it was lost; what a closing connection waits for after QUIT.</summary>
    public Task ReadEnded => _readEnded.Task;

    /// <summary>True once the server welcomed this session (001).</summary>
    public bool Registered { get; private set; }

    /// <summary>Queues QUIT ahead of any user line; a reason a line cannot carry is cleaned and shortened rather than dropped.</summary>
    public void Quit(string reason)
    {
        var clean = string.Join(' ', reason.Split(['\r', '\n', '\0'], StringSplitOptions.RemoveEmptyEntries));
        if (clean.Length > MaxQuitReasonChars) clean = clean[..MaxQuitReasonChars];
        SendGatewayLine(new IrcMessage(null, null, "QUIT", [clean]).ToString());
    }

    public async Task<SessionEnd> RunAsync(CancellationToken stop)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _lastTraffic = _time.GetTimestamp();
        _registration?.Start();
        var loops = new[] { ReadLoopAsync(running.Token), WriteLoopAsync(running.Token), PingLoopAsync(running.Token) };
        var first = await Task.WhenAny(loops).ConfigureAwait(false);
        _open = false;
        Outgoing.Complete();
        await running.CancelAsync().ConfigureAwait(false);
        // Disposing the stream also ends a read or write that does not watch the token (SslStream mid-record).
        await _stream.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        var end = await first.ConfigureAwait(false);
        return _userQuit ? new SessionEnd("The user sent QUIT.", Reconnect: false) : end;
    }

    /// <summary>Writes a line of the gateway's own on the priority path, refusing one a bad option would break.</summary>
    private void SendGatewayLine(string line)
    {
        if (OutgoingLineRules.Validate(line) is { } error)
        {
            _owner.ReportError($"The gateway did not send a line built from the connection's settings: {error}");
            return;
        }
        Outgoing.EnqueuePriority(line);
    }

    private async Task<SessionEnd> ReadLoopAsync(CancellationToken cancellationToken)
    {
        // Zero-byte reads: an idle connection waits for data without holding a rented read buffer.
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
        var framer = new IrcLineFramer();
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
                    if (frame == FrameResult.TooLong) _owner.ReportUnreadableLine(framer.LastError!);
                    else HandleLine(line!);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return new SessionEnd(_serverError is null
                        ? "The server closed the connection."
                        : $"The server closed the connection: {_serverError}", Reconnect: true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SessionEnd("The connection was closed.", Reconnect: false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return new SessionEnd($"The connection was lost: {ex.Message}", Reconnect: true);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _readEnded.TrySetResult();
        }
    }

    private void HandleLine(string line)
    {
        if (!IrcMessage.TryParse(line, out var message))
        {
            _owner.ReportUnreadableLine($"The server sent a line that is not an IRC message; it was skipped: {line}");
            return;
        }
        _owner.AppendMessage(message, EventTime(message));
        GatewayMetrics.EventReceived();

        var nick = _owner.CurrentNick;
        var fromSelf = message.Source is { } source && nick is not null && IsFrom(source, nick);
        var p = message.Params;
        switch (message.Command)
        {
            case "PING":
                SendGatewayLine(new IrcMessage(null, null, "PONG", p).ToString());
                break;
            case "CAP" when p.Count >= 3:
                TrackCaps(p[1], p[^1]);
                break;
            case "NICK" when fromSelf && p.Count > 0:
                _owner.SetNick(p[0]);
                break;
            case "ERROR":
                _serverError = p.Count > 0 ? p[^1] : "";
                break;
        }
        if (fromSelf) _owner.RememberOwnSource(message.Source!);
        _owner.ChannelTracker.Observe(message, nick, fromSelf);

        if (_registration is { IsComplete: false } registration)
        {
            registration.Handle(message);
            if (!registration.IsComplete) _owner.SetNick(registration.AttemptedNick);
            // The gateway found no nick the server takes: let the user's own NICK through instead of holding it forever.
            if (registration.GaveUp) Outgoing.OpenUserLines();
        }
        if (message.Command == "001" && p.Count > 0 && !Registered) OnWelcome(p[0]);
    }

    private void OnWelcome(string nick)
    {
        Registered = true;
        _owner.OnWelcome(nick);
        Outgoing.OpenUserLines();
        foreach (var join in _owner.ChannelTracker.TakeRejoinLines()) SendGatewayLine(join);
    }

    /// <summary>
    /// Follows the enabled caps from every CAP ACK/DEL, the gateway's own requests and the client's alike, and
    /// answers cap-notify's NEW after the welcome by requesting the wanted caps not yet enabled.
    /// </summary>
    private void TrackCaps(string subcommand, string caps)
    {
        var names = caps.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (subcommand)
        {
            case "ACK":
                foreach (var cap in names)
                {
                    if (cap.StartsWith('-')) _enabledCaps.Remove(cap[1..]);
                    else _enabledCaps.Add(cap.TrimStart('~', '='));
                }
                break;
            case "DEL":
                foreach (var cap in names) _enabledCaps.Remove(cap);
                break;
            // Before the welcome IrcRegistration negotiates; a client that registers itself asked for cap-notify and answers NEW itself.
            case "NEW" when Registered && _registration is not null:
                RequestNewCaps(names);
                return;
            case "NAK":
                break;
            default:
                return;
        }
        var answersEchoRequest = subcommand is "ACK" or "NAK" && names.Any(cap => cap.TrimStart('-', '~', '=') == "echo-message");
        UpdateEchoMessage(answersEchoRequest);
    }

    /// <summary>SASL is not among them: logging in is part of registration, which is over.</summary>
    private void RequestNewCaps(string[] offered)
    {
        var names = offered.Select(token => token.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var wanted = IrcRegistration.WantedCaps.Where(cap => names.Contains(cap) && !_enabledCaps.Contains(cap)).ToList();
        if (wanted.Count > 0) SendGatewayLine($"CAP REQ :{string.Join(' ', wanted)}");
    }

    /// <summary>
    /// Sets who records the user's own messages from the enabled caps. Once the answer to a REQ naming
    /// echo-message arrives, the own lines written while it was pending are settled: the server processed them
    /// after the REQ, so they are echoed exactly when echo-message is now on, and recorded here otherwise.
    /// </summary>
    private void UpdateEchoMessage(bool answersEchoRequest)
    {
        (IrcMessage Message, DateTimeOffset Time)[] toRecord = [];
        lock (_echoGate)
        {
            _echoMessage = _enabledCaps.Contains("echo-message");
            if (answersEchoRequest && _echoRequestPending)
            {
                _echoRequestPending = false;
                if (!_echoMessage) toRecord = [.. _heldOwnLines];
                _heldOwnLines.Clear();
            }
        }
        foreach (var (message, time) in toRecord) _owner.AppendMessage(message, time);
    }

    private async Task<SessionEnd> WriteLoopAsync(CancellationToken cancellationToken)
    {
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
                        // Recorded as the line goes out, so the log has it before any reply the server sends to it.
                        RecordUserLine(line);
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
            return new SessionEnd("The connection was closed.", Reconnect: false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return new SessionEnd($"The connection was lost while writing: {ex.Message}", Reconnect: true);
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

    /// <summary>
    /// The user's PRIVMSG and NOTICE go into the log as the server would echo them, unless the server does
    /// echo them (echo-message), so each appears exactly once; while a REQ naming echo-message awaits its
    /// answer nobody knows yet, so they are held until it comes. A user's QUIT means the user wants to leave.
    /// </summary>
    private void RecordUserLine(OutgoingLine line)
    {
        if (RequestsEchoMessage(line))
        {
            lock (_echoGate) _echoRequestPending = true;
            return;
        }
        if (!line.FromUser) return;
        if (line.Message is { Command: "QUIT" }) _userQuit = true;
        if (line.Message is { Command: "JOIN" } join) _owner.ChannelTracker.RememberJoinKeys(join);
        if (line.Message is not { Command: "PRIVMSG" or "NOTICE" } message) return;
        var source = _owner.OwnSource;
        if (source is null) return;
        var own = new IrcMessage(message.Tags, source, message.Command, message.Params);
        var time = _time.GetUtcNow();
        lock (_echoGate)
        {
            if (_echoRequestPending)
            {
                _heldOwnLines.Add((own, time));
                return;
            }
            if (_echoMessage) return;
        }
        _owner.AppendMessage(own, time);
    }

    /// <summary>True for a CAP REQ (the gateway's or the user's) that turns echo-message on or off.</summary>
    private static bool RequestsEchoMessage(OutgoingLine line)
    {
        if (!line.Text.StartsWith("CAP ", StringComparison.OrdinalIgnoreCase)) return false;
        var message = line.Message;
        if (message is null && !IrcMessage.TryParse(line.Text, out message)) return false;
        return message is { Params: [var subcommand, .., var caps] }
               && subcommand.Equals("REQ", StringComparison.OrdinalIgnoreCase)
               && caps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(cap => cap.TrimStart('-', '~', '=') == "echo-message");
    }

    private async Task<SessionEnd> PingLoopAsync(CancellationToken cancellationToken)
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
                SendGatewayLine($"PING :ircstream-{++_pings}");
                await Task.Delay(_settings.PingTimeout, _time, cancellationToken).ConfigureAwait(false);
                if (Volatile.Read(ref _lastTraffic) < sentAt)
                {
                    return new SessionEnd(
                        $"The server sent nothing for {(_settings.PingIdle + _settings.PingTimeout).TotalSeconds:0.###} s and did not answer PING.",
                        Reconnect: true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SessionEnd("The connection was closed.", Reconnect: false);
        }
    }

    /// <summary>The IRCv3 server-time when present and readable, otherwise now.</summary>
    private DateTimeOffset EventTime(IrcMessage message) =>
        message.Tags.TryGetValue("time", out var value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : _time.GetUtcNow();

    /// <summary>True when <paramref name="source"/> (<c>nick</c>, <c>nick!user@host</c>) names <paramref name="nick"/>.</summary>
    private static bool IsFrom(string source, string nick)
    {
        var end = source.AsSpan().IndexOfAny('!', '@');
        var sourceNick = end < 0 ? source.AsSpan() : source.AsSpan(0, end);
        return sourceNick.Equals(nick, StringComparison.OrdinalIgnoreCase);
    }
}

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
    private long _lastTraffic;
    private volatile bool _echoMessage;
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
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
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
                TrackEchoMessage(p[1], p[^1]);
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
        foreach (var join in ChannelTracker.JoinLines(_owner.ChannelTracker.TakeRejoinList())) SendGatewayLine(join);
    }

    /// <summary>Follows echo-message from every CAP ACK/DEL, the gateway's own requests and the client's alike.</summary>
    private void TrackEchoMessage(string subcommand, string caps)
    {
        foreach (var cap in caps.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (subcommand == "ACK" && cap == "echo-message") _echoMessage = true;
            else if ((subcommand == "ACK" && cap == "-echo-message") || (subcommand == "DEL" && cap == "echo-message")) _echoMessage = false;
        }
    }

    private async Task<SessionEnd> WriteLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(WriteBatchBytes);
        try
        {
            while (true)
            {
                var line = await Outgoing.TakeAsync(cancellationToken).ConfigureAwait(false);
                int fromUser = 0, fromGateway = 0;
                do
                {
                    Encode(line.Text, buffer);
                    // Recorded as the line goes out, so the log has it before any reply the server sends to it.
                    RecordUserLine(line);
                    if (line.FromUser) fromUser++;
                    else fromGateway++;
                }
                while (buffer.WrittenCount < WriteBatchBytes && Outgoing.TryTakeNow(out line));

                await _stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                GatewayMetrics.LinesWritten(fromUser, fromGateway);
                buffer.ResetWrittenCount();
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

    private static void Encode(string text, ArrayBufferWriter<byte> buffer)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 2);
        var length = Encoding.UTF8.GetBytes(text, span);
        span[length++] = (byte)'\r';
        span[length++] = (byte)'\n';
        buffer.Advance(length);
    }

    /// <summary>
    /// The user's PRIVMSG and NOTICE go into the log as the server would echo them, unless the server does
    /// echo them (echo-message), so each appears exactly once. A user's QUIT means the user wants to leave.
    /// </summary>
    private void RecordUserLine(OutgoingLine line)
    {
        if (!line.FromUser) return;
        if (line.Message is { Command: "QUIT" }) _userQuit = true;
        if (line.Message is not { Command: "PRIVMSG" or "NOTICE" } message || _echoMessage) return;
        var source = _owner.OwnSource;
        if (source is null) return;
        _owner.AppendMessage(new IrcMessage(message.Tags, source, message.Command, message.Params), _time.GetUtcNow());
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

using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IrcStream.Domain.Connections;

/// <summary>
/// The gateway's connection to one IRC server for one browser. It connects (TCP or TLS), registers when a nick
/// is given, answers PING, notices a dead server, reconnects with backoff, rejoins its channels, and records every
/// received line and every state change in <see cref="Events"/>, whether or not a browser is reading.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="State"/> follows the socket: <see cref="ConnectionState.Connecting"/> while TCP and TLS are being
/// set up; <see cref="ConnectionState.Registering"/> once the socket is up and until the server's welcome (001);
/// <see cref="ConnectionState.Connected"/> from the welcome on. Without a nick the client registers through its
/// own lines, and the state is still <c>Registering</c> until the welcome to those lines arrives, because only
/// then can the user talk on IRC; lines can be sent in either state. <see cref="ConnectionState.Reconnecting"/>
/// while waiting to try again after a loss or a failed attempt; <see cref="ConnectionState.Disconnected"/> when
/// lost for good (the server's address is not allowed, or the user sent QUIT); <see cref="ConnectionState.Closed"/>
/// after <see cref="CloseAsync"/> or <see cref="DisposeAsync"/>. A connection not yet started is <c>Disconnected</c>.
/// </para>
/// <para>
/// A server whose resolved addresses are all refused by <see cref="IrcConnectionOptions.IsAddressAllowed"/> is not
/// retried: an ERROR status says why, then DISCONNECTED, because asking the same DNS again would only hammer it.
/// Every other failure (refused, timed out, TLS, lost, silent) is retried after <see cref="IrcEngineSettings.ReconnectDelay"/>,
/// growing on repeated failure; reaching the welcome resets the delay.
/// </para>
/// </remarks>
public sealed class IrcConnection : IIrcConnection
{
    private const string DefaultQuitReason = "Connection closed";

    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ReconnectBackoff _backoff;
    private Task? _run;
    private TaskCompletionSource? _closed;
    private volatile IrcSession? _session;
    private volatile bool _closing;
    private volatile string? _nick;
    private volatile string? _ownUserHost;
    private ConnectionState _state = ConnectionState.Disconnected;

    public IrcConnection(IrcConnectionOptions options, IrcEngineSettings settings, ILogger<IrcConnection>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        Validate(settings);
        Options = options;
        Settings = settings;
        _logger = logger ?? NullLogger<IrcConnection>.Instance;
        _endpoint = options.Host.Contains(':') ? $"[{options.Host}]:{options.Port}" : $"{options.Host}:{options.Port}";
        _backoff = new ReconnectBackoff(settings.ReconnectDelay, settings.MaxReconnectDelay);
        _nick = string.IsNullOrEmpty(options.Nick) ? null : options.Nick;
        Events = new EventLog(settings.EventLogLimits, settings.Time);
        ChannelTracker = new ChannelTracker(options.Channels);
    }

    public IrcConnectionOptions Options { get; }

    public IEventLog Events { get; }

    public ConnectionState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    public string? CurrentNick => _nick;

    public IReadOnlyCollection<string> Channels => ChannelTracker.Joined;

    internal IrcEngineSettings Settings { get; }

    internal ChannelTracker ChannelTracker { get; }

    /// <summary>The source of the user's own messages: <c>nick!user@host</c> once the server showed it, else the nick.</summary>
    internal string? OwnSource => _nick is { } nick ? (_ownUserHost is { } userHost ? $"{nick}!{userHost}" : nick) : null;

    /// <summary>Starts the background loop that connects, and reconnects after every loss, until closed. A second call does nothing.</summary>
    /// <exception cref="ObjectDisposedException">The connection was closed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed is not null, this);
            if (_run is not null) return;
            // Said at once, so whoever started it (the create route's answer) reports "connecting", not "disconnected".
            SetState(ConnectionState.Connecting);
            _run = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    public SendResult Send(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        for (var i = 0; i < lines.Count; i++)
        {
            if (OutgoingLineRules.Validate(lines[i]) is { } error)
                return new SendResult(SendOutcome.Invalid, Reason: $"Line {i + 1}: {error}", LineIndex: i);
        }
        var session = _session;
        if (session is not { IsOpen: true } || _closing)
        {
            return new SendResult(SendOutcome.NotOpen,
                Reason: $"The connection to {_endpoint} is not open (it is {State.ToString().ToLowerInvariant()}); send the lines once it is connected.");
        }
        var outgoing = new OutgoingLine[lines.Count];
        for (var i = 0; i < lines.Count; i++) outgoing[i] = new OutgoingLine(lines[i], FromUser: true, IrcMessage.Parse(lines[i]));
        if (!session.Outgoing.TryEnqueueUser(outgoing))
        {
            // The socket ended between the check above and now: that is not a full queue.
            if (!session.IsOpen) return new SendResult(SendOutcome.NotOpen, Reason: $"The connection to {_endpoint} was lost; send the lines once it is connected again.");
            return new SendResult(SendOutcome.QueueFull,
                Reason: $"The outgoing queue has no room for {lines.Count} more lines (it holds at most {Settings.SendQueueCapacity} waiting for flood control); send them again in a few seconds.");
        }
        return SendResult.Ok(lines.Count);
    }

    /// <summary>Closes once; a second call (or <see cref="DisposeAsync"/>) waits for the first to finish.</summary>
    public async ValueTask CloseAsync(string reason)
    {
        TaskCompletionSource closed;
        bool first;
        lock (_gate)
        {
            first = _closed is null;
            closed = _closed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _closing = true;
        }
        if (!first)
        {
            await closed.Task.ConfigureAwait(false);
            return;
        }
        try
        {
            await CloseCoreAsync(string.IsNullOrWhiteSpace(reason) ? DefaultQuitReason : reason).ConfigureAwait(false);
        }
        finally
        {
            closed.SetResult();
        }
    }

    public ValueTask DisposeAsync() => CloseAsync(DefaultQuitReason);

    internal void AppendMessage(IrcMessage message, DateTimeOffset time) => Events.Append(new MessageEvent(message, time));

    /// <summary>An ERROR status for a problem the user should know about (SASL failed, a bad setting); the connection goes on.</summary>
    internal void ReportError(string detail)
    {
        IrcConnectionLog.Problem(_logger, Options.ConnectionId, _endpoint, detail);
        Emit(IrcStatus.Error, detail);
    }

    /// <summary>An ERROR status for a received line the gateway could not read; the detail holds the raw text, so it is not logged.</summary>
    internal void ReportUnreadableLine(string detail) => Emit(IrcStatus.Error, detail);

    internal void SetNick(string nick) => _nick = nick;

    /// <summary>Keeps <c>user@host</c> from a line the server sent with the user's own nick as source.</summary>
    internal void RememberOwnSource(string source)
    {
        var bang = source.IndexOf('!', StringComparison.Ordinal);
        if (bang > 0 && source.IndexOf('@', bang) > bang) _ownUserHost = source[(bang + 1)..];
    }

    internal void OnWelcome(string nick)
    {
        _nick = nick;
        SetState(ConnectionState.Connected);
        IrcConnectionLog.Registered(_logger, Options.ConnectionId, _endpoint, nick);
        Emit(IrcStatus.Registered, nick);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var end = await ConnectAndRunAsync(stop).ConfigureAwait(false);
                if (stop.IsCancellationRequested || _closing) return;
                if (!end.Reconnect)
                {
                    IrcConnectionLog.GivingUp(_logger, Options.ConnectionId, _endpoint, end.Detail);
                    SetState(ConnectionState.Disconnected);
                    Emit(IrcStatus.Disconnected, $"Not reconnecting: {end.Detail}");
                    return;
                }
                var delay = _backoff.NextDelay();
                GatewayMetrics.ReconnectScheduled();
                SetState(ConnectionState.Reconnecting);
                IrcConnectionLog.Reconnecting(_logger, Options.ConnectionId, _endpoint, delay, _backoff.Failures);
                Emit(IrcStatus.Reconnecting, $"Reconnecting to {_endpoint} in {delay.TotalSeconds:0.###} s.");
                await Task.Delay(delay, Settings.Time, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closed while connecting or waiting to reconnect.
        }
        catch (Exception ex)
        {
            // A bug must not leave a connection that claims to be up: say so, and stay down.
            IrcConnectionLog.Crashed(_logger, ex, Options.ConnectionId, _endpoint);
            SetState(ConnectionState.Disconnected);
            Emit(IrcStatus.Error, $"The gateway's connection failed unexpectedly ({ex.GetType().Name}); reconnect to try again.");
        }
    }

    /// <summary>One attempt: connect, run the socket until it ends, and say whether to come back.</summary>
    private async Task<SessionEnd> ConnectAndRunAsync(CancellationToken stop)
    {
        SetState(ConnectionState.Connecting);
        IrcConnectionLog.Connecting(_logger, Options.ConnectionId, _endpoint, Options.Tls);
        Emit(IrcStatus.Connecting, _endpoint);
        Stream stream;
        try
        {
            stream = await IrcConnector.ConnectAsync(Options, Settings.ConnectTimeout, Settings.Time, stop).ConfigureAwait(false);
        }
        catch (ConnectFailedException failure)
        {
            IrcConnectionLog.ConnectFailed(_logger, Options.ConnectionId, _endpoint, failure.Status, failure.Detail);
            Emit(failure.Status, failure.Detail);
            return new SessionEnd(failure.Detail, failure.Retry);
        }

        var session = new IrcSession(this, stream);
        _session = session;
        SetState(ConnectionState.Registering);
        IrcConnectionLog.Connected(_logger, Options.ConnectionId, _endpoint);
        Emit(IrcStatus.Connected, Options.Tls ? $"{_endpoint} (TLS)" : _endpoint);
        SessionEnd end;
        try
        {
            end = await session.RunAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            _session = null;
        }
        if (session.Registered) _backoff.Reset();
        // A loss that ends the connection for good is reported once, by the run loop ("Not reconnecting: ...").
        if (!stop.IsCancellationRequested && !_closing && end.Reconnect)
        {
            IrcConnectionLog.Disconnected(_logger, Options.ConnectionId, _endpoint, end.Detail);
            SetState(ConnectionState.Disconnected);
            Emit(IrcStatus.Disconnected, end.Detail);
        }
        return end;
    }

    private async Task CloseCoreAsync(string reason)
    {
        if (_session is { IsOpen: true } session)
        {
            session.Quit(reason);
            try
            {
                // The server answers QUIT with ERROR and closes; waiting for that lets the QUIT reason reach the channel.
                await session.ReadEnded.WaitAsync(Settings.QuitWait, Settings.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // It did not close in time; the socket is closed below.
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? run;
        lock (_gate) run = _run;
        if (run is not null) await run.ConfigureAwait(false);
        SetState(ConnectionState.Closed);
        IrcConnectionLog.Closed(_logger, Options.ConnectionId, _endpoint);
        Emit(IrcStatus.Closed, reason);
        Events.Complete();
        _stop.Dispose();
    }

    /// <summary>A setting no connection could work with fails here, when the gateway creates the connection, not later in its background loop.</summary>
    private static void Validate(IrcEngineSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.EventBufferSize, 1, nameof(settings.EventBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.EventBufferBytes, 1, nameof(settings.EventBufferBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.LiveReaderHoldBytes, nameof(settings.LiveReaderHoldBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.FloodBurst, 1, nameof(settings.FloodBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.SendQueueCapacity, 1, nameof(settings.SendQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.FloodInterval, TimeSpan.Zero, nameof(settings.FloodInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ReconnectDelay, TimeSpan.Zero, nameof(settings.ReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.QuitWait, TimeSpan.Zero, nameof(settings.QuitWait));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.ConnectTimeout, TimeSpan.Zero, nameof(settings.ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.PingIdle, TimeSpan.Zero, nameof(settings.PingIdle));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.PingTimeout, TimeSpan.Zero, nameof(settings.PingTimeout));
    }

    private void SetState(ConnectionState state)
    {
        lock (_gate) _state = state;
    }

    private void Emit(string status, string? detail) => Events.Append(new StatusEvent(status, detail, Settings.Time.GetUtcNow()));
}

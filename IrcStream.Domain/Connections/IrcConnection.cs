using IrcStream.Domain.Client;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IrcStream.Domain.Connections;

/// <summary>
/// The gateway's connection to one IRC server for one browser. It connects (TCP or TLS), runs an
/// <see cref="IrcSocket"/> on each socket, reconnects with backoff, and records every received line and every
/// state change in <see cref="Events"/>, whether or not a browser is reading. What the connection knows and
/// decides as an IRC client (registration, nick, caps, channels) is its <see cref="IrcClient"/>'s.
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
/// Each state is announced by one status event (<see cref="IrcClient.StatusOf"/>).
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

    private readonly ConnectionJournal _journal;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ReconnectBackoff _backoff;
    private readonly IrcClient _client;
    private readonly IConnectionOwnership? _ownership;
    /// <summary>For the run loop's own inputs to the client (connecting, lost, closed); the socket has its own.</summary>
    private readonly IrcClientOutput _output = new();
    private Task? _run;
    private TaskCompletionSource? _closed;
    private volatile IrcSocket? _socket;
    private volatile bool _closing;
    private IReadOnlyList<string> _unsent = [];
    private readonly Lock _numbering = new();
    private long _userLines;

    /// <param name="options">What to connect to and as whom.</param>
    /// <param name="settings">The gateway's engine settings.</param>
    /// <param name="logger">Where the connection logs its life; none by default.</param>
    /// <param name="events">The log to append to; by default a new in-memory <see cref="EventLog"/> of <see cref="IrcEngineSettings.EventBufferSize"/>.</param>
    /// <param name="ownership">This node's hold on the connection when several nodes could hold it; none for a gateway that runs alone.</param>
    public IrcConnection(IrcConnectionOptions options, IrcEngineSettings settings, ILogger<IrcConnection>? logger = null, IEventLog? events = null,
        IConnectionOwnership? ownership = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        Validate(settings);
        Settings = settings;
        _ownership = ownership;
        Events = events ?? new EventLog(settings.EventLogLimits, settings.Time);
        _journal = new ConnectionJournal(Events, logger ?? NullLogger<IrcConnection>.Instance, options.ConnectionId, options.Endpoint);
        _backoff = new ReconnectBackoff(settings.ReconnectDelay, settings.MaxReconnectDelay);
        _client = new IrcClient(options);
    }

    public IrcConnectionOptions Options => _client.Options;

    public void UseSasl(SaslCredentials? credentials) => _client.UseSasl(credentials);

    public IEventLog Events { get; }

    public ConnectionState State => _client.State.Connection;

    public string? CurrentNick => _client.State.Nick;

    public IReadOnlyCollection<string> Channels => _client.State.Joined;

    /// <summary>What the connection knows as an IRC client, as one value.</summary>
    public IrcClientState ClientState => _client.State;

    internal IrcEngineSettings Settings { get; }

    private string Endpoint => _journal.Endpoint;

    private ILogger Logger => _journal.Logger;

    /// <summary>
    /// Before <see cref="Start"/>, on a node that takes this connection over from another: <paramref name="recorded"/>
    /// is the end of the log that node wrote (<see cref="Events"/>, read back), whose newest message per channel is
    /// where the client asks the server's chathistory to fill from, or, without chathistory, says lines may be missing.
    /// </summary>
    public void CarryOn(IEnumerable<StoredEvent> recorded)
    {
        lock (_gate)
        {
            if (_run is not null) throw new InvalidOperationException("A connection carries on another node's log only before it starts.");
            _client.TakingOver(IrcClient.LastMessagesIn(recorded));
        }
    }

    /// <summary>Starts the background loop that connects, and reconnects after every loss, until closed. A second call does nothing.</summary>
    /// <exception cref="ObjectDisposedException">The connection was closed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed is not null, this);
            if (_run is not null) return;
            // Said at once, so whoever started it (the create route's answer) reports "connecting", not "disconnected".
            _client.Starting();
            // The loop outlives the request that starts it: without the request's ExecutionContext it does not keep
            // that request's Activity and log scopes alive for the connection's whole life.
            using (ExecutionContext.SuppressFlow()) _run = Task.Run(() => RunAsync(_stop.Token));
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
        var socket = _socket;
        if (socket is not { IsOpen: true } || _closing)
        {
            return new SendResult(SendOutcome.NotOpen,
                Reason: $"The connection to {Endpoint} is not open (it is {State.ToString().ToLowerInvariant()}); send the lines once it is connected.");
        }
        var outgoing = new OutgoingLine[lines.Count];
        long last;
        bool queued;
        // Numbered in queue order: one request's lines take consecutive numbers, and the writer reports the highest written.
        lock (_numbering)
        {
            for (var i = 0; i < lines.Count; i++) outgoing[i] = UserLine(lines[i], _userLines + i + 1);
            queued = socket.Outgoing.TryEnqueueUser(outgoing);
            if (queued) _userLines += lines.Count;
            last = _userLines;
        }
        if (!queued)
        {
            // The socket ended between the check above and now: that is not a full queue.
            if (!socket.IsOpen) return new SendResult(SendOutcome.NotOpen, Reason: $"The connection to {Endpoint} was lost; send the lines once it is connected again.");
            return new SendResult(SendOutcome.QueueFull,
                Reason: $"The outgoing queue has no room for {lines.Count} more lines (it holds at most {Settings.SendQueueCapacity} waiting for flood control); send them again in a few seconds.");
        }
        return SendResult.Ok(lines.Count) with { LastNumber = last };
    }

    public UnwrittenLines Unwritten() => _socket?.Unwritten() ?? UnwrittenLines.None;

    /// <summary>A user's line as it goes out: a USER line gets the operator's templates (<see cref="IrcConnectionOptions.UserTemplate"/>).</summary>
    private OutgoingLine UserLine(string line, long number)
    {
        var message = IrcMessage.Parse(line);
        if (Options.UserTemplate is { } template && message.Command == "USER")
        {
            message = template.Rewrite(message, _client.State.Nick);
            line = message.ToString();
        }
        return new OutgoingLine(line, FromUser: true, message, number);
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

    /// <summary>
    /// Lets the connection go without a word to the server or the log: the socket is closed without QUIT, no
    /// DISCONNECTED or CLOSED status is given and the log is not completed, because another gateway node holds the
    /// connection now (or is about to) and its log goes on there. Returns the user's lines that were queued on the
    /// last socket and never written. After a close (or an earlier let-go) it returns nothing.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> LetGoAsync()
    {
        TaskCompletionSource closed;
        lock (_gate)
        {
            if (_closed is not null) return [];
            closed = _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _closing = true;
        }
        try
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            Task? run;
            lock (_gate) run = _run;
            if (run is not null) await run.ConfigureAwait(false);
            IrcConnectionLogMessages.LetGo(Logger, Options.ConnectionId, Endpoint);
            _stop.Dispose();
            return _unsent;
        }
        finally
        {
            closed.SetResult();
        }
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
                    IrcConnectionLogMessages.GivingUp(Logger, Options.ConnectionId, Endpoint, end.Detail);
                    Tell(_client.Disconnected, $"Not reconnecting: {end.Detail}");
                    return;
                }
                var delay = _backoff.NextDelay();
                Settings.Metrics.ReconnectScheduled();
                IrcConnectionLogMessages.Reconnecting(Logger, Options.ConnectionId, Endpoint, delay, _backoff.Failures);
                // The wait starts before it is announced: whoever sees RECONNECTING sees the delay running on the clock.
                var waiting = Task.Delay(delay, Settings.Time, stop);
                Tell(_client.Reconnecting, $"Reconnecting to {Endpoint} in {delay.TotalSeconds:0.###} s.");
                await waiting.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closed while connecting or waiting to reconnect.
        }
        catch (Exception ex)
        {
            // A bug must not leave a connection that claims to be up: say so, and stay down.
            IrcConnectionLogMessages.Crashed(Logger, ex, Options.ConnectionId, Endpoint);
            Tell(_client.Crashed, $"The gateway's connection failed unexpectedly ({ex.GetType().Name}); reconnect to try again.");
        }
    }

    /// <summary>How often a closed write fence is asked again.</summary>
    private static readonly TimeSpan FenceRecheck = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="ownership"/> lets this gateway write (at once when it does already).</summary>
    internal static async ValueTask FenceOpenAsync(IConnectionOwnership ownership, TimeProvider time, CancellationToken cancellationToken)
    {
        while (!ownership.MayWrite) await Task.Delay(FenceRecheck, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One attempt: connect, run the socket until it ends, and say whether to come back.</summary>
    private async Task<SocketEnd> ConnectAndRunAsync(CancellationToken stop)
    {
        if (_ownership is { } ownership) await FenceOpenAsync(ownership, Settings.Time, stop).ConfigureAwait(false);
        IrcConnectionLogMessages.Connecting(Logger, Options.ConnectionId, Endpoint, Options.Tls);
        Tell(_client.Connecting, Endpoint);
        Stream stream;
        try
        {
            stream = await IrcConnector.ConnectAsync(Options, Settings.ConnectTimeout, Settings.Time, stop).ConfigureAwait(false);
        }
        catch (ConnectFailedException failure)
        {
            IrcConnectionLogMessages.ConnectFailed(Logger, Options.ConnectionId, Endpoint, failure.Status, failure.Detail);
            _client.ConnectFailed(failure.Status, failure.Detail, Settings.Time.GetUtcNow(), _output);
            Record();
            return new SocketEnd(failure.Detail, failure.Retry);
        }

        var socket = new IrcSocket(stream, _client, _journal, Settings, _ownership);
        _socket = socket;
        IrcConnectionLogMessages.Connected(Logger, Options.ConnectionId, Endpoint);
        SocketEnd end;
        try
        {
            end = await socket.RunAsync(Options.Tls ? $"{Endpoint} (TLS)" : Endpoint, stop).ConfigureAwait(false);
        }
        finally
        {
            _socket = null;
            _unsent = socket.Unsent;
        }
        if (_client.State.Welcomed) _backoff.Reset();
        // A loss that ends the connection for good is reported once, by the run loop ("Not reconnecting: ...").
        if (!stop.IsCancellationRequested && !_closing && end.Reconnect)
        {
            IrcConnectionLogMessages.Disconnected(Logger, Options.ConnectionId, Endpoint, end.Detail);
            Tell(_client.Disconnected, end.Detail);
        }
        return end;
    }

    private async Task CloseCoreAsync(string reason)
    {
        if (_socket is { IsOpen: true } socket)
        {
            socket.Outgoing.EnqueuePriority(IrcClient.QuitLine(reason));
            try
            {
                // The server answers QUIT with ERROR and closes; waiting for that lets the QUIT reason reach the channel.
                await socket.ReadEnded.WaitAsync(Settings.QuitWait, Settings.Time).ConfigureAwait(false);
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
        IrcConnectionLogMessages.Closed(Logger, Options.ConnectionId, Endpoint);
        Tell(_client.Closed, reason);
        Events.Complete();
        _stop.Dispose();
    }

    /// <summary>Gives the client a lifecycle input of the run loop and records what it says.</summary>
    private void Tell(Action<string, DateTimeOffset, IrcClientOutput> input, string detail)
    {
        input(detail, Settings.Time.GetUtcNow(), _output);
        Record();
    }

    private void Record()
    {
        _journal.Record(_output);
        _output.Clear();
    }

    /// <summary>A setting no connection could work with fails here, when the gateway creates the connection, not later in its background loop.</summary>
    private static void Validate(IrcEngineSettings settings)
    {
        if (settings.Problems() is [var problem, ..]) throw new ArgumentOutOfRangeException(problem.Setting, problem.ToString());
    }
}

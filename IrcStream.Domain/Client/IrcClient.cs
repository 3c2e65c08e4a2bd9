using System.Globalization;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// The IRC client's rules for one connection, without sockets, timers or tasks: it is told what happened (the
/// socket opened, a message arrived, a line was written, the socket ended) and says what to do in an
/// <see cref="IrcClientOutput"/> (lines to write, events to append), keeping everything it knows in
/// <see cref="State"/>. It registers (see <see cref="RegistrationState"/>), follows the nick, own source and caps,
/// holds own messages back while an echo-message request is unanswered, and keeps the channels and keys to rejoin.
/// One caller at a time; <see cref="State"/> may be read from any thread.
/// </summary>
/// <remarks>
/// The connection's state and its status events tell one story: each state is announced by one status
/// (<see cref="StatusOf"/>), and only this type changes the state.
/// </remarks>
public sealed partial class IrcClient
{
    /// <summary>Longest QUIT reason sent: well inside the line limit whatever the reason's script.</summary>
    private const int MaxQuitReasonChars = 120;

    // Replaced whole, never changed in place: only the SASL credentials change (UseSasl), read at the next registration.
    private volatile IrcConnectionOptions _options;
    private volatile IrcClientState _state;

    /// <param name="options">What the user asked for: the nick (without one the client registers itself), credentials, channels.</param>
    /// <param name="state">A stored state to carry on from; a new connection starts from the options.</param>
    public IrcClient(IrcConnectionOptions options, IrcClientState? state = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _state = state ?? new IrcClientState
        {
            Nick = GatewayRegisters ? options.Nick : null,
            Pending = WithoutDuplicates(options.Channels),
            Keys = [.. options.ChannelKeys],
        };
    }

    /// <summary>The current state, a whole value whichever thread reads it.</summary>
    public IrcClientState State => _state;

    /// <summary>What the user asked for, with the SASL credentials given since (<see cref="UseSasl"/>).</summary>
    public IrcConnectionOptions Options => _options;

    /// <summary>
    /// Logs in with <paramref name="credentials"/> (none: without logging in) from the next registration on: after a
    /// reconnect, or on the node that takes the connection over. Safe from any thread; the current socket is not touched.
    /// </summary>
    public void UseSasl(SaslCredentials? credentials) => _options = _options with { Sasl = credentials };

    /// <summary>True when the gateway registers (a nick was given); otherwise the client sends NICK/USER itself.</summary>
    public bool GatewayRegisters => !string.IsNullOrEmpty(_options.Nick);

    /// <summary>The status event that announces <paramref name="state"/> (the contract's names for both).</summary>
    public static string StatusOf(ConnectionState state) => state switch
    {
        ConnectionState.Connecting => IrcStatus.Connecting,
        ConnectionState.Registering => IrcStatus.Connected,
        ConnectionState.Connected => IrcStatus.Registered,
        ConnectionState.Reconnecting => IrcStatus.Reconnecting,
        ConnectionState.Disconnected => IrcStatus.Disconnected,
        ConnectionState.Closed => IrcStatus.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Started, before the first attempt: the state says connecting at once, the status comes with the attempt.</summary>
    public void Starting() => _state = _state with { Connection = ConnectionState.Connecting };

    /// <summary>An attempt to connect to <paramref name="endpoint"/> begins.</summary>
    public void Connecting(string endpoint, DateTimeOffset now, IrcClientOutput output) =>
        Become(ConnectionState.Connecting, endpoint, now, output);

    /// <summary>The attempt failed (<see cref="IrcStatus.ConnectTimeout"/> or <see cref="IrcStatus.Error"/>); the state stays.</summary>
    public void ConnectFailed(string status, string detail, DateTimeOffset now, IrcClientOutput output) =>
        output.Events.Add(new StatusEvent(status, detail, now));

    /// <summary>
    /// The socket is up (<paramref name="detail"/> names it): everything learnt from the last socket but the nick,
    /// own source and channels is forgotten, and registration begins.
    /// </summary>
    public void Opened(string detail, DateTimeOffset now, IrcClientOutput output)
    {
        SettleHeldMessages(echoed: false, output);
        ReleaseHeldHistory(now, output);
        var state = _state;
        _state = state with
        {
            Nick = GatewayRegisters ? _options.Nick : state.Nick,
            Welcomed = false,
            Caps = [],
            Registration = GatewayRegisters ? new RegistrationState { AttemptedNick = _options.Nick! } : null,
            EchoRequestPending = false,
            Held = [],
            ModeTypes = ChannelModeTypes.Rfc2812,
            UserQuit = false,
            ServerError = null,
            Fills = [],
            HistoryLimit = 0,
            HistoryByMsgid = true,
            // A new socket has no MONITOR list.
            Reclaim = state.Reclaim is { } reclaim ? reclaim with { Monitoring = false } : null,
        };
        Become(ConnectionState.Registering, detail, now, output);
        if (GatewayRegisters) StartRegistration(now, output);
        else output.OpenUserLines = true;
    }

    /// <summary>The socket was lost: the connection is down until it tries again, or for good. Own lines held for an echo that cannot come now are recorded.</summary>
    public void Disconnected(string detail, DateTimeOffset now, IrcClientOutput output)
    {
        SettleHeldMessages(echoed: false, output);
        ReleaseHeldHistory(now, output);
        Become(ConnectionState.Disconnected, detail, now, output);
    }

    /// <summary>The next attempt is <paramref name="detail"/> away.</summary>
    public void Reconnecting(string detail, DateTimeOffset now, IrcClientOutput output) =>
        Become(ConnectionState.Reconnecting, detail, now, output);

    /// <summary>The connection was closed for good (<paramref name="reason"/>); own lines still held are recorded.</summary>
    public void Closed(string reason, DateTimeOffset now, IrcClientOutput output)
    {
        SettleHeldMessages(echoed: false, output);
        ReleaseHeldHistory(now, output);
        Become(ConnectionState.Closed, reason, now, output);
    }

    /// <summary>The gateway itself failed: the connection must not claim to be up, so it is down, with an ERROR saying why.</summary>
    public void Crashed(string detail, DateTimeOffset now, IrcClientOutput output)
    {
        _state = _state with { Connection = ConnectionState.Disconnected };
        output.Events.Add(new StatusEvent(IrcStatus.Error, detail, now));
    }

    /// <summary>A message the server sent: it becomes an event, then the client follows what it says.</summary>
    public void Receive(IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (TakenByHistoryFill(message, now, output)) return;
        Record(message, now, now, output);
    }

    /// <summary>A message becomes an event at <paramref name="received"/> (unless it carries the server's time), then the client follows what it says.</summary>
    private void Record(IrcMessage message, DateTimeOffset received, DateTimeOffset now, IrcClientOutput output)
    {
        output.Events.Add(new MessageEvent(message, EventTime(message, received)));

        var state = _state;
        var fromSelf = message.Source is { } source && state.Nick is { } nick && IrcSource.NickOf(source).Equals(nick, StringComparison.OrdinalIgnoreCase);
        var p = message.Params;
        switch (message.Command)
        {
            case "PING":
                Send(new IrcMessage(null, null, "PONG", p).ToString(), now, output);
                break;
            case "CAP" when p.Count >= 3:
                FollowCaps(p[1], p[^1], now, output);
                break;
            case "NICK" when fromSelf && p.Count > 0:
                _state = _state with { Nick = p[0] };
                break;
            case "ERROR":
                _state = _state with { ServerError = p.Count > 0 ? p[^1] : "" };
                break;
        }
        if (fromSelf && IrcSource.Parse(message.Source!) is { User: { } user, Host: { } host } && _state.UserHost != $"{user}@{host}")
            _state = _state with { UserHost = $"{user}@{host}" };
        FollowChannels(message, state.Nick, fromSelf);
        FollowHistory(message, fromSelf, now, output);
        if (_state.Registration is { Complete: false }) Register(message, now, output);
        if (message.Command == "001" && p.Count > 0 && !_state.Welcomed) Welcome(p[0], now, output);
        FollowReclaim(message, now, output);
    }

    /// <summary>The server sent something that is not a message (<paramref name="detail"/> quotes it): an ERROR status, and the connection goes on.</summary>
    public static void Unreadable(string detail, DateTimeOffset now, IrcClientOutput output) =>
        output.Events.Add(new StatusEvent(IrcStatus.Error, detail, now));

    /// <summary>
    /// A line went to the socket. The user's PRIVMSG and NOTICE go into the log as the server would echo them,
    /// unless the server does echo them (echo-message), so each appears exactly once; while a REQ naming
    /// echo-message awaits its answer nobody knows yet, so they are held until it comes. A user's QUIT means
    /// the user wants to leave, and the keys of a user's JOIN are kept for the rejoin.
    /// </summary>
    /// <param name="line">The line as written.</param>
    /// <param name="message">The line parsed, when the caller has it (the user's lines); otherwise it is parsed here when needed.</param>
    /// <param name="fromUser">False for the gateway's own lines.</param>
    /// <param name="now">When it was written: the time of an own message recorded by the gateway.</param>
    /// <param name="output">Receives what to do.</param>
    public void Written(string line, IrcMessage? message, bool fromUser, DateTimeOffset now, IrcClientOutput output)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (RequestsEchoMessage(line, ref message))
        {
            if (!_state.EchoRequestPending) _state = _state with { EchoRequestPending = true };
            return;
        }
        if (!fromUser || (message is null && !IrcMessage.TryParse(line, out message))) return;
        switch (message.Command)
        {
            case "QUIT":
                _state = _state with { UserQuit = true };
                break;
            case "NICK":
                // The user chose a nick: the gateway no longer takes the old one back.
                StopReclaim(now, output);
                break;
            case "JOIN":
                RememberJoinKeys(message);
                break;
            case "PRIVMSG" or "NOTICE":
                RecordOwnMessage(message, now, output);
                break;
        }
    }

    /// <summary>A QUIT line with <paramref name="reason"/>; a reason a line cannot carry is cleaned and shortened rather than dropped.</summary>
    public static string QuitLine(string reason)
    {
        var clean = string.Join(' ', reason.Split(['\r', '\n', '\0'], StringSplitOptions.RemoveEmptyEntries));
        if (clean.Length > MaxQuitReasonChars) clean = clean[..MaxQuitReasonChars];
        return new IrcMessage(null, null, "QUIT", [clean]).ToString();
    }

    private void Welcome(string nick, DateTimeOffset now, IrcClientOutput output)
    {
        _state = _state with { Nick = nick, Welcomed = true };
        StartReclaim(nick, now);
        Become(ConnectionState.Connected, nick, now, output);
        output.OpenUserLines = true;
        foreach (var join in TakeRejoinLines()) Send(join, now, output);
        PlanFills(_state.Pending, now, output);
    }

    private void Become(ConnectionState connection, string? detail, DateTimeOffset now, IrcClientOutput output)
    {
        _state = _state with { Connection = connection };
        output.Events.Add(new StatusEvent(StatusOf(connection), detail, now));
    }

    /// <summary>Writes a line of the gateway's own on the priority path, refusing one a bad option would break.</summary>
    private static void Send(string line, DateTimeOffset now, IrcClientOutput output)
    {
        if (OutgoingLineRules.Validate(line) is { } error)
        {
            Problem($"The gateway did not send a line built from the connection's settings: {error}", now, output);
            return;
        }
        output.Lines.Add(line);
    }

    /// <summary>An ERROR status for a problem the user should know about (SASL failed, a bad setting); the connection goes on.</summary>
    private static void Problem(string detail, DateTimeOffset now, IrcClientOutput output)
    {
        output.Events.Add(new StatusEvent(IrcStatus.Error, detail, now));
        output.Problems.Add(detail);
    }

    /// <summary>The IRCv3 server-time when present and readable, otherwise <paramref name="now"/>.</summary>
    private static DateTimeOffset EventTime(IrcMessage message, DateTimeOffset now) =>
        message.Tags.TryGetValue("time", out var value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : now;

    private static string[] WithoutDuplicates(IEnumerable<string> channels)
    {
        var list = new List<string>();
        foreach (var channel in channels) AddTo(list, channel);
        return [.. list];
    }
}

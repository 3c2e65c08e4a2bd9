using IrcStream.Domain.Connections;

namespace IrcStream.Domain.Client;

/// <summary>
/// Everything the gateway knows about one IRC client's side of a connection, as one plain value: the
/// connection's state, the nick and own source, the enabled caps, registration, echo-message hold-back and the
/// channels with their keys. <see cref="IrcClient"/> replaces it with a new value on every change, so a reader on
/// another thread always sees a whole one; it serialises with System.Text.Json, and an <see cref="IrcClient"/>
/// built from a stored value carries on where the old one stopped.
/// </summary>
public sealed record IrcClientState
{
    /// <summary>The contract's state of the connection (what the connection object's <c>state</c> says).</summary>
    public ConnectionState Connection { get; init; } = ConnectionState.Disconnected;

    /// <summary>The nick the server confirmed (001, then NICK changes); while the gateway registers, the one it last sent.</summary>
    public string? Nick { get; init; }

    /// <summary><c>user@host</c> from a line the server sent with the own nick as source; null until one came.</summary>
    public string? UserHost { get; init; }

    /// <summary>True once the server welcomed the current socket (001).</summary>
    public bool Welcomed { get; init; }

    /// <summary>The caps the server acknowledged on the current socket (ACK adds, ACK of <c>-cap</c> and DEL remove).</summary>
    public IReadOnlyList<string> Caps { get; init; } = [];

    /// <summary>The gateway's registration of the current socket; null when the client registers itself.</summary>
    public RegistrationState? Registration { get; init; }

    /// <summary>A CAP REQ naming echo-message was written and its answer has not come yet.</summary>
    public bool EchoRequestPending { get; init; }

    /// <summary>The user's PRIVMSG/NOTICE written while <see cref="EchoRequestPending"/>, as the server would echo them.</summary>
    public IReadOnlyList<HeldMessage> Held { get; init; } = [];

    /// <summary>The channels the server confirmed; kept while disconnected so they can be shown and rejoined.</summary>
    public IReadOnlyList<string> Joined { get; init; } = [];

    /// <summary>Channels to be joined that the server has not confirmed yet (configured, or rejoined after a welcome).</summary>
    public IReadOnlyList<string> Pending { get; init; } = [];

    /// <summary>Keys of keyed channels, from the user's own JOIN and from MODE +k/-k; they go with the rejoin.</summary>
    public IReadOnlyList<ChannelKey> Keys { get; init; } = [];

    /// <summary>Which channel modes take a parameter, so a key can be found among MODE's parameters.</summary>
    public ChannelModeTypes ModeTypes { get; init; } = ChannelModeTypes.Rfc2812;

    /// <summary>The user sent QUIT on the current socket: when it ends, the connection does not come back.</summary>
    public bool UserQuit { get; init; }

    /// <summary>The text of the server's ERROR on the current socket, said when the server then closes it.</summary>
    public string? ServerError { get; init; }

    /// <summary>The newest message with a msgid recorded in each channel (kept while the server offers chathistory): where a fill starts.</summary>
    public IReadOnlyList<TargetMessage> LastMessages { get; init; } = [];

    /// <summary>The connection came from another gateway node (<see cref="IrcClient.TakingOver"/>) and has not been welcomed since.</summary>
    public bool TakenOver { get; init; }

    /// <summary>Taking the wanted nick back after a takeover registered another (<see cref="IrcClient.ReclaimPatience"/>); null when not.</summary>
    public NickReclaim? Reclaim { get; init; }

    /// <summary>The current socket's chathistory requests for rejoined channels, until their answers end.</summary>
    public IReadOnlyList<HistoryFill> Fills { get; init; } = [];

    /// <summary>The server's ISUPPORT <c>CHATHISTORY=n</c> on the current socket: most messages per request, 0 for none named.</summary>
    public int HistoryLimit { get; init; }

    /// <summary>The server takes <c>msgid=</c> references (ISUPPORT <c>MSGREFTYPES</c>, assumed when not named); otherwise <c>timestamp=</c>.</summary>
    public bool HistoryByMsgid { get; init; } = true;

    /// <summary>The source of the user's own messages: <c>nick!user@host</c> once the server showed it, else the nick.</summary>
    public string? OwnSource => Nick is null ? null : UserHost is null ? Nick : $"{Nick}!{UserHost}";

    /// <summary>True when the caps include <paramref name="cap"/>.</summary>
    public bool HasCap(string cap) => Caps.Contains(cap, StringComparer.Ordinal);
}

/// <summary>
/// The gateway's registration of one socket: WEBIRC, PASS, CAP LS 302, NICK, USER at once, then CAP REQ for the
/// wanted caps offered, SASL PLAIN when asked for, CAP END; refused nicks are replaced.
/// </summary>
public sealed record RegistrationState
{
    /// <summary>The nick last sent with NICK.</summary>
    public required string AttemptedNick { get; init; }

    /// <summary>The caps of CAP LS so far, name to value ("" without one).</summary>
    public IReadOnlyDictionary<string, string> Offered { get; init; } = new Dictionary<string, string>();

    /// <summary>The caps requested and not yet acknowledged; null until CAP LS ended.</summary>
    public IReadOnlyList<string>? Requested { get; init; }

    /// <summary>CAP END was sent.</summary>
    public bool CapEnded { get; init; }

    /// <summary>AUTHENTICATE PLAIN was sent and SASL has not ended yet.</summary>
    public bool SaslInProgress { get; init; }

    /// <summary>Nicks the server refused so far.</summary>
    public int NickAttempts { get; init; }

    /// <summary>The server refused too many nicks: the gateway stopped changing nick and lets the user's NICK through.</summary>
    public bool GaveUp { get; init; }

    /// <summary>The welcome (001) arrived.</summary>
    public bool Complete { get; init; }
}

/// <summary>
/// Taking <paramref name="Nick"/> back: the nick the connection had before a takeover, which the server still gave to
/// the old socket when the new one registered.
/// </summary>
public sealed record NickReclaim(string Nick)
{
    /// <summary>When to ask for it again if nothing says it is free sooner (servers without MONITOR).</summary>
    public DateTimeOffset NextTry { get; init; }

    /// <summary>When to give up: a nick still held then is someone else's.</summary>
    public DateTimeOffset Until { get; init; }

    /// <summary>The server was asked to MONITOR the nick on the current socket (it then says when it goes offline).</summary>
    public bool Monitoring { get; init; }
}

/// <summary>A message held back: an own PRIVMSG/NOTICE while nobody knows yet whether the server echoes it, or a live line while a channel's history is fetched.</summary>
/// <param name="Line">The message in wire form.</param>
/// <param name="Time">When it was written or received.</param>
public sealed record HeldMessage(string Line, DateTimeOffset Time);

/// <summary>A message recorded in <paramref name="Target"/>, by its IRCv3 <c>msgid</c> and server time.</summary>
public sealed record TargetMessage(string Target, string MsgId, DateTimeOffset Time);

/// <summary>
/// Filling one rejoined channel: waiting for the server's JOIN, then <see cref="Requested"/>, then inside the answer's
/// <see cref="Batch"/>. Until the answer has been recorded the channel's live messages are <see cref="Held"/>, so the log
/// reads in the server's order: history first, then what came live, without what the answer already brought.
/// </summary>
public sealed record HistoryFill(string Target)
{
    /// <summary>The newest message the log held in the channel before the new socket's JOIN: the fill asks for what came after it.</summary>
    public TargetMessage? After { get; init; }

    /// <summary>CHATHISTORY AFTER was sent.</summary>
    public bool Requested { get; init; }

    /// <summary>The reference of the answer's <c>chathistory</c> batch, once it started.</summary>
    public string? Batch { get; init; }

    /// <summary>The channel's live messages since the rejoin, oldest first, held until the answer is recorded.</summary>
    public IReadOnlyList<HeldMessage> Held { get; init; } = [];

    /// <summary>When the first of <see cref="Held"/> arrived: past <see cref="Client.IrcClient.HistoryHoldLimit"/> they go to the log unanswered.</summary>
    public DateTimeOffset? HoldingSince { get; init; }

    /// <summary>Msgids the answer recorded; a held message among them is not recorded again.</summary>
    public IReadOnlyList<string> Recorded { get; init; } = [];

    /// <summary>
    /// The held messages went to the log before the answer ended (it took too long or held too much); from then on live
    /// messages are recorded at once and their msgids kept in <see cref="Seen"/>.
    /// </summary>
    public bool Released { get; init; }

    /// <summary>Msgids of live messages recorded since the fill stopped holding, which the answer must not record again.</summary>
    public IReadOnlyList<string> Seen { get; init; } = [];
}

/// <summary>A keyed channel's key.</summary>
public sealed record ChannelKey(string Channel, string Key);

/// <summary>
/// Which channel modes take a parameter: ISUPPORT <c>CHANMODES=A,B,C,D</c> (A and B always, C only when set) and
/// the prefix modes of <c>PREFIX=(ov)@+</c>.
/// </summary>
public sealed record ChannelModeTypes(string WithParameter, string WithParameterWhenSet, string Prefix)
{
    /// <summary>RFC 2812's, until the server's ISUPPORT (005) says otherwise.</summary>
    public static readonly ChannelModeTypes Rfc2812 = new("beIk", "l", "ov");

    /// <summary>True when <paramref name="mode"/> takes a parameter when set (<paramref name="adding"/>) or unset.</summary>
    public bool TakesParameter(char mode, bool adding) =>
        WithParameter.Contains(mode) || Prefix.Contains(mode) || (adding && WithParameterWhenSet.Contains(mode));
}

namespace IrcStream.Domain.Connections;

/// <summary>
/// The channels a connection is in, and those it will (re)join after the next welcome (001): the configured
/// channels the first time, then every channel it was in, including those the user joined through its own lines.
/// A channel counts as joined only when the server confirms the JOIN, and one the server refused (banned,
/// invite-only, …) is not tried again. Thread-safe: the read loop writes, HTTP requests read.
/// </summary>
internal sealed class ChannelTracker
{
    /// <summary>Numerics that refuse a JOIN with the channel as second parameter (RFC 2812, 403–477).</summary>
    private static readonly HashSet<string> JoinRefusals = ["403", "405", "471", "473", "474", "475", "476", "477"];

    private readonly Lock _gate = new();
    private readonly List<string> _joined = [];
    private readonly List<string> _pending = [];

    public ChannelTracker(IEnumerable<string> initial)
    {
        foreach (var channel in initial) AddTo(_pending, channel);
    }

    /// <summary>The channels the server confirmed; kept while disconnected so they can be shown and rejoined.</summary>
    public IReadOnlyCollection<string> Joined
    {
        get
        {
            lock (_gate) return _joined.ToArray();
        }
    }

    /// <summary>
    /// After a welcome: the channels to join now. They stay pending until the server confirms each, so a
    /// connection lost before that still rejoins them next time.
    /// </summary>
    public IReadOnlyList<string> TakeRejoinList()
    {
        lock (_gate)
        {
            foreach (var channel in _joined) AddTo(_pending, channel);
            _joined.Clear();
            return _pending.ToArray();
        }
    }

    /// <summary>Follows JOIN, PART, KICK of the own nick and JOIN refusals.</summary>
    public void Observe(Protocol.IrcMessage message, string? ownNick, bool isOwnSource)
    {
        var p = message.Params;
        switch (message.Command)
        {
            case "JOIN" when isOwnSource && p.Count > 0:
                lock (_gate)
                {
                    foreach (var channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        RemoveFrom(_pending, channel);
                        AddTo(_joined, channel);
                    }
                }
                break;
            case "PART" when isOwnSource && p.Count > 0:
                lock (_gate)
                {
                    foreach (var channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries)) Forget(channel);
                }
                break;
            case "KICK" when p.Count > 1 && ownNick is not null && NickEquals(p[1], ownNick):
                lock (_gate) Forget(p[0]);
                break;
            default:
                if (p.Count > 1 && JoinRefusals.Contains(message.Command))
                {
                    lock (_gate) RemoveFrom(_pending, p[1]);
                }
                break;
        }
    }

    /// <summary>
    /// <c>JOIN a,b,c</c> lines for <paramref name="channels"/>, each well inside the line limit. A name that no
    /// line could carry (empty, or with a space, comma, CR, LF, NUL or BELL) is left out.
    /// </summary>
    public static IEnumerable<string> JoinLines(IEnumerable<string> channels)
    {
        const int maxTargetsLength = 400;
        var line = new System.Text.StringBuilder();
        foreach (var channel in channels)
        {
            if (channel.Length == 0 || channel.AsSpan().IndexOfAny(" ,\r\n\0\a") >= 0) continue;
            if (line.Length > 0 && line.Length + 1 + channel.Length > maxTargetsLength)
            {
                yield return "JOIN " + line;
                line.Clear();
            }
            if (line.Length > 0) line.Append(',');
            line.Append(channel);
        }
        if (line.Length > 0) yield return "JOIN " + line;
    }

    /// <summary>IRC nicks and channel names compare case-insensitively (ASCII is what every casemapping shares).</summary>
    public static bool NickEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private void Forget(string channel)
    {
        RemoveFrom(_joined, channel);
        RemoveFrom(_pending, channel);
    }

    private static void AddTo(List<string> list, string channel)
    {
        if (!list.Exists(c => NickEquals(c, channel))) list.Add(channel);
    }

    private static void RemoveFrom(List<string> list, string channel) => list.RemoveAll(c => NickEquals(c, channel));
}

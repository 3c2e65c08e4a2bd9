namespace IrcStream.Domain.Connections;

/// <summary>
/// The channels a connection is in, and those it will (re)join after the next welcome (001): the configured
/// channels the first time, then every channel it was in, including those the user joined through its own lines.
/// A channel counts as joined only when the server confirms the JOIN, and one the server refused (banned,
/// invite-only, …) is not tried again. A keyed channel's key, from the user's own JOIN line and from MODE +k/-k
/// on the channel, goes with it into the rejoin. Thread-safe: the read and write loops write, HTTP requests read.
/// </summary>
internal sealed class ChannelTracker
{
    /// <summary>Numerics that refuse a JOIN with the channel as second parameter (RFC 2812, 403–477).</summary>
    private static readonly HashSet<string> JoinRefusals = ["403", "405", "471", "473", "474", "475", "476", "477"];

    private readonly Lock _gate = new();
    private readonly List<string> _joined = [];
    private readonly List<string> _pending = [];
    private readonly Dictionary<string, string> _keys = new(StringComparer.OrdinalIgnoreCase);

    // Which channel modes take a parameter, so the key can be found among MODE's parameters: RFC 2812's
    // until the server's ISUPPORT (005) CHANMODES and PREFIX say otherwise.
    private string _modesWithParameter = "beIk";
    private string _modesWithParameterWhenSet = "l";
    private string _prefixModes = "ov";

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

    /// <summary>After a welcome: <see cref="TakeRejoinList"/> as JOIN lines, each keyed channel in its own line with its key.</summary>
    public IReadOnlyList<string> TakeRejoinLines()
    {
        var channels = TakeRejoinList();
        var lines = new List<string>();
        var unkeyed = new List<string>();
        lock (_gate)
        {
            foreach (var channel in channels)
            {
                if (_keys.TryGetValue(channel, out var key)) lines.Add(new Protocol.IrcMessage(null, null, "JOIN", [channel, key]).ToString());
                else unkeyed.Add(channel);
            }
        }
        lines.AddRange(JoinLines(unkeyed));
        return lines;
    }

    /// <summary>Keeps the keys of a JOIN line the user sent (<c>JOIN #a,#b keyA</c>): the server's JOIN that confirms it carries none.</summary>
    public void RememberJoinKeys(Protocol.IrcMessage join)
    {
        if (join.Params.Count < 2) return;
        var channels = join.Params[0].Split(',');
        var keys = join.Params[1].Split(',');
        lock (_gate)
        {
            for (var i = 0; i < channels.Length && i < keys.Length; i++)
            {
                if (channels[i].Length > 0 && keys[i].Length > 0) _keys[channels[i]] = keys[i];
            }
        }
    }

    /// <summary>Follows JOIN, PART, KICK of the own nick, JOIN refusals, and channel keys set or removed by MODE.</summary>
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
            case "MODE" when p.Count > 1 && p[0].Length > 0 && "#&+!".Contains(p[0][0]):
                lock (_gate) FollowKey(p);
                break;
            case "005":
                lock (_gate) FollowModeTypes(p);
                break;
            default:
                if (p.Count > 1 && JoinRefusals.Contains(message.Command))
                {
                    lock (_gate)
                    {
                        RemoveFrom(_pending, p[1]);
                        _keys.Remove(p[1]);
                    }
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
        _keys.Remove(channel);
    }

    /// <summary><c>MODE #chan +lk 10 key</c>: walks the modes, taking each one's parameter, to find k's.</summary>
    private void FollowKey(IReadOnlyList<string> p)
    {
        var adding = true;
        var next = 2;
        foreach (var mode in p[1])
        {
            if (mode is '+' or '-')
            {
                adding = mode == '+';
                continue;
            }
            var takesParameter = _modesWithParameter.Contains(mode) || _prefixModes.Contains(mode) || (adding && _modesWithParameterWhenSet.Contains(mode));
            var parameter = takesParameter && next < p.Count ? p[next++] : null;
            if (mode != 'k') continue;
            if (!adding) _keys.Remove(p[0]);
            else if (!string.IsNullOrEmpty(parameter)) _keys[p[0]] = parameter;
        }
    }

    /// <summary>ISUPPORT <c>CHANMODES=A,B,C,D</c> (A and B always take a parameter, C only when set) and <c>PREFIX=(ov)@+</c>.</summary>
    private void FollowModeTypes(IReadOnlyList<string> p)
    {
        for (var i = 1; i < p.Count - 1; i++)
        {
            var token = p[i];
            if (token.StartsWith("CHANMODES=", StringComparison.Ordinal) && token[10..].Split(',') is { Length: >= 3 } types)
            {
                _modesWithParameter = types[0] + types[1];
                _modesWithParameterWhenSet = types[2];
            }
            else if (token.StartsWith("PREFIX=(", StringComparison.Ordinal) && token.IndexOf(')', StringComparison.Ordinal) is var close and > 8)
            {
                _prefixModes = token[8..close];
            }
        }
    }

    private static void AddTo(List<string> list, string channel)
    {
        if (!list.Exists(c => NickEquals(c, channel))) list.Add(channel);
    }

    private static void RemoveFrom(List<string> list, string channel) => list.RemoveAll(c => NickEquals(c, channel));
}

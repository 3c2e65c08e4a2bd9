using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// The channels: those the connection is in, and those it will (re)join after the next welcome (001), the
/// configured ones the first time, then every channel it was in, including those the user joined through its own
/// lines. A channel counts as joined only when the server confirms the JOIN, and one the server refused (banned,
/// invite-only, …) is not tried again. A keyed channel's key, from the user's own JOIN line and from MODE +k/-k,
/// goes with it into the rejoin.
/// </summary>
public sealed partial class IrcClient
{
    /// <summary>Numerics that refuse a JOIN with the channel as second parameter (RFC 2812, 403–477).</summary>
    private static readonly HashSet<string> JoinRefusals = ["403", "405", "471", "473", "474", "475", "476", "477"];

    /// <summary>Follows JOIN, PART, KICK of the own nick, JOIN refusals, channel keys set or removed by MODE, and ISUPPORT's mode types.</summary>
    private void FollowChannels(IrcMessage message, string? ownNick, bool fromSelf)
    {
        var p = message.Params;
        var state = _state;
        switch (message.Command)
        {
            case "JOIN" when fromSelf && p.Count > 0:
                var pending = state.Pending.ToList();
                var joined = state.Joined.ToList();
                foreach (var channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    RemoveFrom(pending, channel);
                    AddTo(joined, channel);
                }
                _state = state with { Pending = [.. pending], Joined = [.. joined] };
                break;
            case "PART" when fromSelf && p.Count > 0:
                foreach (var channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries)) Forget(channel);
                break;
            case "KICK" when p.Count > 1 && ownNick is not null && IrcNames.Equal(p[1], ownNick):
                Forget(p[0]);
                break;
            case "MODE" when p.Count > 1 && IrcNames.IsChannel(p[0]):
                FollowKey(p);
                break;
            case "005":
                FollowModeTypes(p);
                break;
            default:
                if (p.Count > 1 && JoinRefusals.Contains(message.Command))
                {
                    var refused = state.Pending.ToList();
                    RemoveFrom(refused, p[1]);
                    _state = state with { Pending = [.. refused], Keys = WithoutKey(state.Keys, p[1]) };
                }
                break;
        }
    }

    /// <summary>
    /// After a welcome: JOIN lines for every channel to join now, each keyed channel in its own line with its key.
    /// They stay pending until the server confirms each, so a connection lost before that still rejoins them next time.
    /// </summary>
    private IReadOnlyList<string> TakeRejoinLines()
    {
        var state = _state;
        var pending = state.Pending.ToList();
        foreach (var channel in state.Joined) AddTo(pending, channel);
        _state = state with { Pending = [.. pending], Joined = [] };

        var lines = new List<string>();
        var unkeyed = new List<string>();
        foreach (var channel in pending)
        {
            if (KeyOf(state.Keys, channel) is { } key) lines.Add(new IrcMessage(null, null, "JOIN", [channel, key]).ToString());
            else unkeyed.Add(channel);
        }
        lines.AddRange(JoinLines(unkeyed));
        return lines;
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
            if (!IrcNames.IsJoinTarget(channel)) continue;
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

    /// <summary>Keeps the keys of a JOIN line the user sent (<c>JOIN #a,#b keyA</c>): the server's JOIN that confirms it carries none.</summary>
    private void RememberJoinKeys(IrcMessage join)
    {
        if (join.Params.Count < 2) return;
        var channels = join.Params[0].Split(',');
        var keys = join.Params[1].Split(',');
        var state = _state;
        var known = state.Keys;
        for (var i = 0; i < channels.Length && i < keys.Length; i++)
        {
            if (channels[i].Length > 0 && keys[i].Length > 0) known = WithKey(known, channels[i], keys[i]);
        }
        if (!ReferenceEquals(known, state.Keys)) _state = state with { Keys = known };
    }

    private void Forget(string channel)
    {
        var state = _state;
        var joined = state.Joined.ToList();
        var pending = state.Pending.ToList();
        RemoveFrom(joined, channel);
        RemoveFrom(pending, channel);
        _state = state with
        {
            Joined = [.. joined],
            Pending = [.. pending],
            Keys = WithoutKey(state.Keys, channel),
            LastMessages = WithoutLastMessage(state.LastMessages, channel),
            Fills = [.. state.Fills.Where(f => !IrcNames.Equal(f.Target, channel))],
        };
    }

    /// <summary><c>MODE #chan +lk 10 key</c>: walks the modes, taking each one's parameter, to find k's.</summary>
    private void FollowKey(IReadOnlyList<string> p)
    {
        var state = _state;
        var keys = state.Keys;
        var adding = true;
        var next = 2;
        foreach (var mode in p[1])
        {
            if (mode is '+' or '-')
            {
                adding = mode == '+';
                continue;
            }
            var parameter = state.ModeTypes.TakesParameter(mode, adding) && next < p.Count ? p[next++] : null;
            if (mode != 'k') continue;
            if (!adding) keys = WithoutKey(keys, p[0]);
            else if (!string.IsNullOrEmpty(parameter)) keys = WithKey(keys, p[0], parameter);
        }
        if (!ReferenceEquals(keys, state.Keys)) _state = state with { Keys = keys };
    }

    /// <summary>ISUPPORT <c>CHANMODES=A,B,C,D</c> (A and B always take a parameter, C only when set) and <c>PREFIX=(ov)@+</c>.</summary>
    private void FollowModeTypes(IReadOnlyList<string> p)
    {
        var types = _state.ModeTypes;
        for (var i = 1; i < p.Count - 1; i++)
        {
            var token = p[i];
            if (token.StartsWith("CHANMODES=", StringComparison.Ordinal) && token[10..].Split(',') is { Length: >= 3 } chanmodes)
                types = types with { WithParameter = chanmodes[0] + chanmodes[1], WithParameterWhenSet = chanmodes[2] };
            else if (token.StartsWith("PREFIX=(", StringComparison.Ordinal) && token.IndexOf(')', StringComparison.Ordinal) is var close and > 8)
                types = types with { Prefix = token[8..close] };
        }
        if (types != _state.ModeTypes) _state = _state with { ModeTypes = types };
    }

    private static string? KeyOf(IReadOnlyList<ChannelKey> keys, string channel) =>
        keys.FirstOrDefault(k => IrcNames.Equal(k.Channel, channel))?.Key;

    private static IReadOnlyList<ChannelKey> WithKey(IReadOnlyList<ChannelKey> keys, string channel, string key) =>
        [.. keys.Where(k => !IrcNames.Equal(k.Channel, channel)), new ChannelKey(channel, key)];

    private static IReadOnlyList<ChannelKey> WithoutKey(IReadOnlyList<ChannelKey> keys, string channel) =>
        keys.Any(k => IrcNames.Equal(k.Channel, channel)) ? [.. keys.Where(k => !IrcNames.Equal(k.Channel, channel))] : keys;

    private static void AddTo(List<string> list, string channel)
    {
        if (!list.Exists(c => IrcNames.Equal(c, channel))) list.Add(channel);
    }

    private static void RemoveFrom(List<string> list, string channel) => list.RemoveAll(c => IrcNames.Equal(c, channel));
}

using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// Taking the nick back after a takeover. When another gateway node's connection is taken over while the server still
/// holds the old socket (the old node froze rather than died), the new socket registers as <c>nick_</c>. The client
/// then watches for the nick to become free and asks for it again: at once when its holder quits or changes nick
/// (seen in a shared channel), or when the server's <c>MONITOR</c> (ISUPPORT <c>MONITOR</c>) says it went offline;
/// where the server has no MONITOR, also every <see cref="ReclaimRetryInterval"/>. It stops when it has the nick,
/// when the user sends a NICK of their own, when the server finds the nick erroneous, or after
/// <see cref="ReclaimPatience"/>, since a nick still held then belongs to someone else.
/// </summary>
/// <remarks>
/// No timer of its own: the periodic retry is made with the first line received once it is due. The server's PINGs
/// and the answers to the gateway's own keepalive PINGs (after <c>PingIdle</c> without traffic) bound how late that is.
/// </remarks>
public sealed partial class IrcClient
{
    /// <summary>How often the nick is asked for again where the server cannot say when it is free (no MONITOR).</summary>
    public static readonly TimeSpan ReclaimRetryInterval = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long after the welcome the nick is taken back at all: well beyond a server's ping timeout for the old socket
    /// (InspIRCd and ngircd drop a silent client within a few minutes).
    /// </summary>
    public static readonly TimeSpan ReclaimPatience = TimeSpan.FromMinutes(10);

    /// <summary>Welcomed as <paramref name="nick"/>: after a takeover (or with a reclaim still open from the last socket), begins taking the wanted nick back if this is not it.</summary>
    private void StartReclaim(string nick, DateTimeOffset now)
    {
        var state = _state;
        var wanted = state.Reclaim?.Nick ?? (state.TakenOver && GatewayRegisters ? _options.Nick : null);
        if (wanted is null || IrcNames.Equal(nick, wanted))
        {
            if (state.Reclaim is not null) _state = state with { Reclaim = null };
            return;
        }
        _state = state with { Reclaim = new NickReclaim(wanted) { NextTry = now + ReclaimRetryInterval, Until = now + ReclaimPatience } };
    }

    /// <summary>Follows what the server says about the wanted nick, and asks for it when it may be free.</summary>
    private void FollowReclaim(IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        if (_state.Reclaim is not { } reclaim || !_state.Welcomed) return;
        if (_state.Nick is { } nick && IrcNames.Equal(nick, reclaim.Nick))
        {
            StopReclaim(now, output);
            return;
        }
        var p = message.Params;
        var holder = message.Source is { } source && IrcSource.NickOf(source).Equals(reclaim.Nick, StringComparison.OrdinalIgnoreCase);
        switch (message.Command)
        {
            case "QUIT" when holder:
            case "NICK" when holder && p.Count > 0 && !IrcNames.Equal(p[0], reclaim.Nick):
            case "731" when p.Count > 0 && p[^1].Split(',').Any(target => IrcSource.NickOf(target).Equals(reclaim.Nick, StringComparison.OrdinalIgnoreCase)):
                AskForNick(reclaim, now, output);
                return;
            case "005" when !reclaim.Monitoring && p.Skip(1).Any(token => token == "MONITOR" || token.StartsWith("MONITOR=", StringComparison.Ordinal)):
                // RPL_MONOFFLINE (731) comes at once if the nick is free already, and whenever it becomes free.
                _state = _state with { Reclaim = reclaim with { Monitoring = true } };
                Send($"MONITOR + {reclaim.Nick}", now, output);
                return;
            case "432" when p.Count > 1 && IrcNames.Equal(p[1], reclaim.Nick):
                StopReclaim(now, output);
                return;
        }
        if (now >= reclaim.Until) StopReclaim(now, output);
        else if (!reclaim.Monitoring && now >= reclaim.NextTry) AskForNick(reclaim, now, output);
    }

    private void AskForNick(NickReclaim reclaim, DateTimeOffset now, IrcClientOutput output)
    {
        _state = _state with { Reclaim = reclaim with { NextTry = now + ReclaimRetryInterval } };
        Send($"NICK {reclaim.Nick}", now, output);
    }

    /// <summary>Stops taking the nick back (and watching it, where MONITOR did).</summary>
    private void StopReclaim(DateTimeOffset now, IrcClientOutput output)
    {
        if (_state.Reclaim is not { } reclaim) return;
        _state = _state with { Reclaim = null };
        if (reclaim.Monitoring) Send($"MONITOR - {reclaim.Nick}", now, output);
    }
}

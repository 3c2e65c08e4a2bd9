using System.Globalization;
using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// Filling the window a new socket missed, with IRCv3 <c>draft/chathistory</c>: the client remembers the newest
/// message (by <c>msgid</c>) it recorded in each channel. When it is back in a channel on a new socket (a reconnect, or
/// another gateway node taking the connection over) it asks <c>CHATHISTORY AFTER</c> the message that was newest before
/// that socket's JOIN, never after a live line of the new socket. From the welcome until the answer has been recorded,
/// the channel's live messages are held, then appended without those the answer already brought (by <c>msgid</c>), so the
/// log reads in the server's order; a server that does not answer within <see cref="HistoryHoldLimit"/> or
/// <see cref="MaxHeldLines"/> lines gets the held lines recorded as they are. Messages of the answer are recorded and
/// nothing more: with <c>draft/event-playback</c> the answer replays joins, parts and nick changes as what they are, and
/// they are history, not news about the connection. A server without chathistory cannot fill the window, so after a
/// takeover the log says plainly that lines may be missing.
/// </summary>
public sealed partial class IrcClient
{
    private const string ChatHistoryCap = "draft/chathistory";

    /// <summary>Most messages one fill asks for; the server's ISUPPORT <c>CHATHISTORY=n</c> may lower it.</summary>
    public const int MaxFillMessages = 1000;

    /// <summary>Most live lines one channel holds while its history is fetched; past it they are recorded without waiting more.</summary>
    public const int MaxHeldLines = 1000;

    /// <summary>Longest a channel holds its live lines for a history answer (counted at the next line the server sends).</summary>
    public static readonly TimeSpan HistoryHoldLimit = TimeSpan.FromSeconds(10);

    /// <summary>What the log says after a takeover onto a server that cannot fill the window.</summary>
    public const string TakeoverWithoutHistory =
        "This connection moved to another gateway node. Messages sent to you while no node held it are not in this log: the server does not offer chat history (draft/chathistory) to fetch them.";

    /// <summary>
    /// Another gateway node held this connection until now and this client carries it on: <paramref name="recorded"/>
    /// is the newest message with a <c>msgid</c> that the connection's log holds for each channel
    /// (<see cref="LastMessagesIn"/>), so the next registration fills the window after them where the server can,
    /// and says that lines may be missing where it cannot. Called before the first socket opens.
    /// </summary>
    public void TakingOver(IEnumerable<TargetMessage> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var last = _state.LastMessages;
        foreach (var message in recorded) last = WithLastMessage(last, message);
        _state = _state with { LastMessages = last, TakenOver = true };
    }

    /// <summary>
    /// The newest message with a <c>msgid</c> per channel among <paramref name="events"/> (a connection's log, oldest
    /// first, in its stored JSON form), for <see cref="TakingOver"/>.
    /// </summary>
    public static IReadOnlyList<TargetMessage> LastMessagesIn(IEnumerable<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        IReadOnlyList<TargetMessage> last = [];
        foreach (var stored in events)
        {
            if (stored.Type != EventTypes.Message) continue;
            using var json = JsonDocument.Parse(stored.Json);
            var root = json.RootElement;
            if (!root.TryGetProperty("command", out var command) || command.GetString() is not ("PRIVMSG" or "NOTICE" or "TAGMSG")) continue;
            if (!root.TryGetProperty("tags", out var tags) || !tags.TryGetProperty("msgid", out var msgid) || msgid.GetString() is not { Length: > 0 } id) continue;
            if (!root.TryGetProperty("params", out var p) || p.GetArrayLength() == 0 || p[0].GetString() is not { } target || !IrcNames.IsChannel(target)) continue;
            var time = root.TryGetProperty("time", out var t) && t.TryGetDateTimeOffset(out var parsed) ? parsed : DateTimeOffset.MinValue;
            last = WithLastMessage(last, new TargetMessage(target, id, time));
        }
        return last;
    }

    /// <summary>
    /// True when a fill takes the message: a line of a history answer (recorded as history, or left out when the live
    /// channel already brought it), or a live line of a channel whose answer has not been recorded yet (held).
    /// </summary>
    private bool TakenByHistoryFill(IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        if (_state.Fills.Count == 0) return false;
        ReleaseOverdueFills(now, output);
        if (message.Tags.TryGetValue("batch", out var batch) && _state.Fills.FirstOrDefault(f => f.Batch == batch) is { } answering)
        {
            RecordHistory(answering, message, now, output);
            return true;
        }
        var p = message.Params;
        if (p.Count == 0 || _state.Fills.FirstOrDefault(f => !f.Released && IrcNames.Equal(f.Target, p[0])) is not { } fill) return false;
        if (message.Command is "PRIVMSG" or "NOTICE" or "TAGMSG")
        {
            var held = fill with { Held = [.. fill.Held, new HeldMessage(message.ToString(), now)], HoldingSince = fill.HoldingSince ?? now };
            ReplaceFill(fill, held);
            if (held.Held.Count >= MaxHeldLines) ReleaseFill(held, now, output);
            return true;
        }
        // Leaving the channel ends its fill: what it held came before.
        var self = _state.Nick is { } nick && message.Source is { } source && IrcSource.NickOf(source).Equals(nick, StringComparison.OrdinalIgnoreCase);
        if ((message.Command == "PART" && self) || (message.Command == "KICK" && p.Count > 1 && _state.Nick is { } me && IrcNames.Equal(p[1], me)))
            ReleaseFill(fill, now, output);
        return false;
    }

    private void RecordHistory(HistoryFill fill, IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        var msgid = message.Tags.GetValueOrDefault("msgid");
        if (msgid is { Length: > 0 } && fill.Seen.Contains(msgid, StringComparer.Ordinal)) return;
        var time = EventTime(message, now);
        output.Events.Add(new MessageEvent(message, time));
        if (msgid is not { Length: > 0 }) return;
        var state = _state;
        if (message.Command is "PRIVMSG" or "NOTICE" or "TAGMSG")
            state = state with { LastMessages = WithLastMessage(state.LastMessages, new TargetMessage(fill.Target, msgid, time)) };
        _state = state;
        if (fill.Recorded.Count < MaxFillMessages) ReplaceFill(fill, fill with { Recorded = [.. fill.Recorded, msgid] });
    }

    /// <summary>Records what the fill held, but what its answer brought, and stops it holding.</summary>
    private void ReleaseFill(HistoryFill fill, DateTimeOffset now, IrcClientOutput output)
    {
        ReplaceFill(fill, fill with { Held = [], HoldingSince = null, Released = true });
        foreach (var held in fill.Held)
        {
            var message = IrcMessage.Parse(held.Line);
            if (message.Tags.TryGetValue("msgid", out var msgid) && fill.Recorded.Contains(msgid, StringComparer.Ordinal)) continue;
            Record(message, held.Time, now, output);
        }
    }

    private void ReleaseOverdueFills(DateTimeOffset now, IrcClientOutput output)
    {
        foreach (var fill in _state.Fills)
        {
            if (fill.HoldingSince is { } since && now - since >= HistoryHoldLimit) ReleaseFill(fill, now, output);
        }
    }

    /// <summary>The socket ends: every held line goes to the log, as the answer will not come on it.</summary>
    private void ReleaseHeldHistory(DateTimeOffset now, IrcClientOutput output)
    {
        foreach (var fill in _state.Fills)
        {
            if (fill.Held.Count > 0) ReleaseFill(fill, now, output);
        }
    }

    /// <summary>The answer ended or failed: what was held goes to the log after it, and the fill is over.</summary>
    private void EndFill(HistoryFill fill, DateTimeOffset now, IrcClientOutput output)
    {
        ReleaseFill(fill, now, output);
        if (_state.Fills.FirstOrDefault(f => IrcNames.Equal(f.Target, fill.Target)) is { } released) ReplaceFill(released, null);
    }

    /// <summary>Follows what matters for filling: channel messages with a msgid, the own JOIN, chathistory batches and failures, ISUPPORT.</summary>
    private void FollowHistory(IrcMessage message, bool fromSelf, DateTimeOffset now, IrcClientOutput output)
    {
        var p = message.Params;
        switch (message.Command)
        {
            case "PRIVMSG" or "NOTICE" or "TAGMSG" when p.Count > 0 && IrcNames.IsChannel(p[0]) && _state.HasCap(ChatHistoryCap):
                FollowChannelMessage(message, p[0], now);
                break;
            case "JOIN" when fromSelf && p.Count > 0:
                foreach (var channel in p[0].Split(',', StringSplitOptions.RemoveEmptyEntries)) RequestFill(channel, now, output);
                break;
            case "BATCH" when p.Count >= 3 && p[0].StartsWith('+') && p[1] == "chathistory":
                var waiting = _state.Fills.FirstOrDefault(f => f.Requested && f.Batch is null && IrcNames.Equal(f.Target, p[2]));
                if (waiting is not null) ReplaceFill(waiting, waiting with { Batch = p[0][1..] });
                break;
            case "BATCH" when p.Count >= 1 && p[0].StartsWith('-'):
                var ended = _state.Fills.FirstOrDefault(f => f.Batch == p[0][1..]);
                if (ended is not null) EndFill(ended, now, output);
                break;
            // FAIL CHATHISTORY <code> [<context>...] :<description>: the target, when named, is among the context.
            case "FAIL" when p.Count >= 2 && p[0] == "CHATHISTORY":
                var failed = _state.Fills.FirstOrDefault(f => f.Requested && f.Batch is null && p.Skip(2).Any(c => IrcNames.Equal(c, f.Target)))
                             ?? _state.Fills.FirstOrDefault(f => f.Requested && f.Batch is null);
                if (failed is not null) EndFill(failed, now, output);
                break;
            case "005":
                FollowHistoryLimits(p);
                break;
        }
    }

    /// <summary>
    /// A live message recorded is the channel's newest; after a fill stopped holding, it is also one the answer may
    /// bring again.
    /// </summary>
    private void FollowChannelMessage(IrcMessage message, string channel, DateTimeOffset now)
    {
        if (!message.Tags.TryGetValue("msgid", out var msgid) || msgid.Length == 0) return;
        var state = _state;
        _state = state with { LastMessages = WithLastMessage(state.LastMessages, new TargetMessage(channel, msgid, EventTime(message, now))) };
        var fill = state.Fills.FirstOrDefault(f => f.Released && IrcNames.Equal(f.Target, channel));
        if (fill is null) return;
        // A server that never answers must not make the list grow without end: past the most an answer can hold, give up the fill.
        if (fill.Seen.Count >= MaxFillMessages) ReplaceFill(fill, null);
        else ReplaceFill(fill, fill with { Seen = [.. fill.Seen, msgid] });
    }

    /// <summary>After the welcome: each channel to rejoin that has a newest message waits for its JOIN to ask for what came after.</summary>
    private void PlanFills(IReadOnlyList<string> rejoining, DateTimeOffset now, IrcClientOutput output)
    {
        var state = _state;
        var canFill = state.HasCap(ChatHistoryCap) && state.HasCap("batch");
        if (state.TakenOver && !canFill) output.Events.Add(new StatusEvent(IrcStatus.Error, TakeoverWithoutHistory, now));
        var fills = canFill
            ? rejoining.Select(channel => new HistoryFill(channel) { After = LastMessageOf(state.LastMessages, channel) }).Where(f => f.After is not null).ToArray()
            : [];
        _state = state with { TakenOver = false, Fills = fills };
    }

    private void RequestFill(string channel, DateTimeOffset now, IrcClientOutput output)
    {
        var fill = _state.Fills.FirstOrDefault(f => !f.Requested && IrcNames.Equal(f.Target, channel));
        if (fill?.After is not { } after) return;
        var limit = _state.HistoryLimit is > 0 and < MaxFillMessages ? _state.HistoryLimit : MaxFillMessages;
        var reference = _state.HistoryByMsgid || after.Time == DateTimeOffset.MinValue
            ? "msgid=" + after.MsgId
            : "timestamp=" + after.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        ReplaceFill(fill, fill with { Requested = true });
        Send(new IrcMessage(null, null, "CHATHISTORY", ["AFTER", fill.Target, reference, limit.ToString(CultureInfo.InvariantCulture)]).ToString(), now, output);
    }

    /// <summary>ISUPPORT <c>CHATHISTORY=n</c> (most messages per request, 0 for no limit) and <c>MSGREFTYPES=timestamp,msgid</c>.</summary>
    private void FollowHistoryLimits(IReadOnlyList<string> p)
    {
        var state = _state;
        for (var i = 1; i < p.Count - 1; i++)
        {
            var token = p[i];
            if (token.StartsWith("CHATHISTORY=", StringComparison.Ordinal) && int.TryParse(token.AsSpan(12), NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                state = state with { HistoryLimit = limit };
            else if (token.StartsWith("MSGREFTYPES=", StringComparison.Ordinal))
                state = state with { HistoryByMsgid = token[12..].Split(',').Contains("msgid", StringComparer.Ordinal) };
        }
        if (state != _state) _state = state;
    }

    private void ReplaceFill(HistoryFill fill, HistoryFill? replacement)
    {
        var fills = _state.Fills.ToList();
        var at = fills.IndexOf(fill);
        if (at < 0) return;
        if (replacement is null) fills.RemoveAt(at);
        else fills[at] = replacement;
        _state = _state with { Fills = [.. fills] };
    }

    private static TargetMessage? LastMessageOf(IReadOnlyList<TargetMessage> last, string channel) =>
        last.FirstOrDefault(m => IrcNames.Equal(m.Target, channel));

    private static IReadOnlyList<TargetMessage> WithLastMessage(IReadOnlyList<TargetMessage> last, TargetMessage message)
    {
        var copy = new TargetMessage[last.Count + (LastMessageOf(last, message.Target) is null ? 1 : 0)];
        var at = 0;
        foreach (var existing in last)
        {
            if (!IrcNames.Equal(existing.Target, message.Target)) copy[at++] = existing;
        }
        copy[at] = message;
        return copy;
    }

    private static IReadOnlyList<TargetMessage> WithoutLastMessage(IReadOnlyList<TargetMessage> last, string channel) =>
        LastMessageOf(last, channel) is null ? last : [.. last.Where(m => !IrcNames.Equal(m.Target, channel))];
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IrcStream.Domain.Client;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Cluster.Chaos;

/// <summary>One node failure of the chaos test: which node, how, and when it began (the test's clock and the writer's mark).</summary>
internal sealed record ChaosFailure(int Number, int Node, bool Killed, DateTimeOffset Started)
{
    /// <summary>From the signal to the process's exit.</summary>
    public TimeSpan Exited { get; init; }

    public string StartMark => $"fail-{Number}";
    public string RecoveredMark => $"recovered-{Number}";
    public string How => Killed ? "SIGKILL" : "SIGTERM";
}

/// <summary>
/// The chaos test's checks, on what was recorded: the writer's view of the IRC server (its order of lines, JOINs,
/// QUITs and marks), each connection's final log and what its reader got.
/// </summary>
/// <remarks>
/// Which numbered lines must be in a log. The IRC server delivers a channel line to a member at the point of its own
/// order where the line is processed, and the writer, with echo-message, sees its lines and the members' JOIN and QUIT
/// in that same order. So a line was delivered to a connection of the session exactly when, in the writer's order, it
/// lies between a JOIN of one of the session's nicks and the following QUIT/PART/KICK ("present"). Lines that are not
/// delivered while present cannot be in the log, and are not required. Of those delivered, one is excused when a node
/// failure began before it and the session's socket was gone (its QUIT) after it and before the cluster recovered: the
/// server wrote it into a socket whose node was dead or handing over, and no node could record it (a server with
/// chathistory would fill these; InspIRCd 3 has none). Every other delivered line must be in the log. In the log, the
/// numbers must rise strictly (in order, none twice), and none may be a line that was never delivered while present.
/// On a server whose chat history fills the window (<paramref name="historyFills"/>: Ergo), nothing is excused: every line
/// the server relayed to the channel from the session's first JOIN on must be in the log once, in order, also those relayed
/// while no connection of the session was in the channel, and the log must not say that lines may be missing.
/// </remarks>
internal sealed class ChaosCheck(bool historyFills = false)
{
    private readonly List<string> _violations = [];
    private readonly List<double> _afterKill = [];
    private readonly List<double> _afterTerm = [];
    private long _events;
    private long _linesRecorded;
    private long _linesRequired;
    private long _linesExcused;
    private long _linesSaidUnstored;
    private long _linesWhileAbsent;
    private long _linesWhileAbsentRecorded;
    private long _missing;
    private long _doubled;
    private long _outOfOrder;
    private int _takeovers;
    private int _lostAfterKill;
    private int _lostAfterTerm;
    private int _takeoverNotices;
    private int _streams;

    public IReadOnlyList<string> Violations => _violations;

    /// <summary>True when a nick of <paramref name="session"/> is in its channel after the last of <paramref name="received"/>.</summary>
    public static bool PresentNow(IReadOnlyList<IrcMessage> received, ChaosSession session, string writerNick) =>
        Follow(received, session, writerNick).PresentAtEnd;

    /// <summary>Checks one session; <paramref name="finalState"/> is its connection object at the end, <paramref name="names"/> its channel's NAMES then.</summary>
    public void Session(
        ChaosSession session, IReadOnlyList<IrcMessage> received, string writerNick, IReadOnlyList<ChaosFailure> failures,
        IReadOnlyList<ChaosEvent> log, JsonElement finalState, IReadOnlyList<string> names)
    {
        var name = $"session {session.Index} ({session.Nick} in {session.Channel})";
        var timeline = Follow(received, session, writerNick);
        foreach (var overlap in timeline.Overlaps) Violation($"{name}: two connections at once: {overlap}");

        var marks = Marks(received);
        var recorded = RecordedLines(log, session.Channel, writerNick);
        var recordedSet = recorded.ToHashSet();
        var required = new List<int>();
        var delivered = new HashSet<int>();
        foreach (var line in timeline.Lines.Where(l => l.Present || (historyFills && l.At > timeline.FirstJoin)))
        {
            delivered.Add(line.N);
            if (historyFills)
            {
                required.Add(line.N);
                if (line.Present) continue;
                _linesWhileAbsent++;
                if (recordedSet.Contains(line.N)) _linesWhileAbsentRecorded++;
                continue;
            }
            if (Excuse(line.At, timeline.Quits, failures, marks) is not { } failure)
            {
                required.Add(line.N);
                continue;
            }
            _linesExcused++;
            if (!recordedSet.Contains(line.N))
            {
                if (failure.Killed) _lostAfterKill++;
                else _lostAfterTerm++;
            }
        }
        _linesRequired += required.Count;

        _linesRecorded += recorded.Count;
        for (var i = 1; i < recorded.Count; i++)
        {
            if (recorded[i] <= recorded[i - 1]) Violation($"{name}: line {recorded[i]} is recorded after line {recorded[i - 1]}");
            if (recorded[i] < recorded[i - 1]) _outOfOrder++;
        }
        _doubled += recorded.Count - recordedSet.Count;
        var missing = required.Except(recorded).ToArray();
        if (!historyFills)
        {
            // Lines a node read and died with before it stored them: the seqs go on without a hole for them, so only the
            // takeover's RECONNECTING can say so, and it says after which event. Those it covers are said, not silent.
            // Where history fills the window, the new owner asks after the newest line stored, so it fetches them too.
            var unstored = UnstoredSpans(log, session.Channel, writerNick);
            var said = missing.Where(n => unstored.Any(span => n > span.After && n < span.Before)).ToArray();
            _linesSaidUnstored += said.Length;
            missing = [.. missing.Except(said)];
        }
        _missing += missing.Length;
        if (missing.Length > 0)
        {
            Violation(historyFills
                ? $"{name}: {missing.Length} lines the server relayed to the channel since the session's first JOIN are not in its log: {Sample(missing)}"
                : $"{name}: {missing.Length} lines delivered while a node held the connection are not in its log: {Sample(missing)}");
        }
        var invented = recorded.Where(n => !delivered.Contains(n)).ToArray();
        if (invented.Length > 0) Violation($"{name}: {invented.Length} lines in its log were never delivered to a connection of it: {Sample(invented)}");

        CheckReader(name, session, log);
        CheckEnd(name, session, timeline, finalState, names);
        CountTakeovers(log, failures);
        CheckTakeoverNotices(name, log);
        _events += log.Count;
    }

    /// <summary>The figures, one per line.</summary>
    public string Report(IReadOnlyList<ChaosFailure> failures, int sessions, int linesSent, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos: {sessions} sessions, {failures.Count} node failures ({failures.Count(f => f.Killed)} SIGKILL, {failures.Count(f => !f.Killed)} SIGTERM) in {elapsed.TotalSeconds:0} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"connections back after a failure (takeovers and handovers): {_takeovers}; from the signal to REGISTERED: after SIGKILL {Spread(_afterKill)}, after SIGTERM {Spread(_afterTerm)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"takeovers announced in the logs (RECONNECTING: the gateway node changed): {_takeoverNotices}");
        var stops = failures.Where(f => !f.Killed).Select(f => f.Exited.TotalSeconds).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"a node stopped by SIGTERM exited after {Spread(stops)}");
        if (historyFills)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"lines: {linesSent} sent, {_linesRequired} relayed to the channels since the sessions' first JOIN (all required), {_linesRecorded} recorded");
            text.AppendLine(CultureInfo.InvariantCulture, $"lines relayed while no connection of the session was in the channel (chat history must fill them): {_linesWhileAbsent}, {_linesWhileAbsentRecorded} of them recorded");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"lines: {linesSent} sent, {_linesRequired + _linesExcused} delivered while a connection of the session was in the channel, {_linesRequired} required, {_linesExcused} excused (delivered to a socket whose node had failed), {_linesRecorded} recorded");
            text.AppendLine(CultureInfo.InvariantCulture, $"excused lines not recorded: {_lostAfterKill} after a SIGKILL, {_lostAfterTerm} after a SIGTERM");
            text.AppendLine(CultureInfo.InvariantCulture, $"required lines not recorded that the takeover's RECONNECTING names (read by a node that died before storing them): {_linesSaidUnstored}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"events: {_events} in the logs, each seen once by its reader; {_streams} streams opened by the readers");
        text.AppendLine(CultureInfo.InvariantCulture, $"in the logs: {_missing} required lines missing, {_doubled} doubled, {_outOfOrder} out of order");
        text.Append(CultureInfo.InvariantCulture, $"violations: {_violations.Count}");
        return text.ToString();
    }

    private void CheckReader(string name, ChaosSession session, IReadOnlyList<ChaosEvent> log)
    {
        _streams += session.StreamsOpened;
        foreach (var problem in session.Problems) Violation($"{name}: reader: {problem}");
        var seen = session.Seen;
        if (seen.Count != log.Count || !seen.Select(e => e.Seq).SequenceEqual(log.Select(e => e.Seq)))
        {
            var seenSeqs = seen.Select(e => e.Seq).ToHashSet();
            var logSeqs = log.Select(e => e.Seq).ToHashSet();
            Violation($"{name}: its reader got {seen.Count} events, its log holds {log.Count}; not read: {Sample(logSeqs.Except(seenSeqs))}; not in the log: {Sample(seenSeqs.Except(logSeqs))}");
            return;
        }
        var seqSteps = log.Select(e => e.Seq).Zip(log.Skip(1).Select(e => e.Seq)).Where(p => p.Second != p.First + 1).ToArray();
        if (log.Count > 0 && (log[0].Seq != 1 || seqSteps.Length > 0)) Violation($"{name}: its log's seqs do not run 1, 2, 3...: {Sample(seqSteps.Select(p => $"{p.First}->{p.Second}"))}");
        for (var i = 0; i < log.Count; i++)
        {
            if (!JsonNode.DeepEquals(JsonNode.Parse(seen[i].Json), JsonNode.Parse(log[i].Json)))
            {
                Violation($"{name}: event {log[i].Seq} as its reader got it differs from the log's: {seen[i].Json} / {log[i].Json}");
                return;
            }
        }
    }

    private void CheckEnd(string name, ChaosSession session, Timeline timeline, JsonElement finalState, IReadOnlyList<string> names)
    {
        var state = finalState.GetProperty("state").GetString();
        var channels = finalState.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var ownNames = names.Where(n => Belongs(n, session)).ToArray();
        if (ownNames.Length > 1) Violation($"{name}: NAMES lists {string.Join(", ", ownNames)} at the end");
        if (state != "connected" || !channels.Any(c => IrcNames.Equal(c, session.Channel)))
            Violation($"{name}: ends {state} in [{string.Join(", ", channels)}], not connected in its channel");
        if (ownNames.Length != 1 || !timeline.PresentAtEnd) Violation($"{name}: the IRC server does not have exactly one connection of it in its channel at the end (NAMES: {string.Join(", ", ownNames)})");
    }

    /// <summary>
    /// After each takeover (a RECONNECTING saying the gateway node changed) the log says, once the new owner registered,
    /// that lines may be missing where the server offers no chathistory to fill them (InspIRCd 3), and does not say so
    /// where it does.
    /// </summary>
    private void CheckTakeoverNotices(string name, IReadOnlyList<ChaosEvent> log)
    {
        var statuses = log.Where(e => e.Type == "status").Select(e => e.Parse())
            .Select(e => (Status: e.GetProperty("status").GetString(), Detail: e.GetProperty("detail").GetString() ?? "")).ToArray();
        for (var i = 0; i < statuses.Length; i++)
        {
            if (statuses[i] is not ("RECONNECTING", var detail) || !detail.StartsWith("The gateway node changed", StringComparison.Ordinal)) continue;
            var next = statuses.Skip(i + 1).TakeWhile(s => s.Status != "RECONNECTING").ToArray();
            var saysMissing = next.Any(s => s is ("ERROR", IrcClient.TakeoverWithoutHistory));
            if (historyFills && saysMissing)
                Violation($"{name}: after the takeover of its status {i + 1} the log says lines may be missing, although the server's history fills them");
            if (!historyFills && next.Any(s => s.Status == "REGISTERED") && !saysMissing)
                Violation($"{name}: after the takeover of its status {i + 1} the log does not say that lines may be missing");
            _takeoverNotices++;
        }
    }

    /// <summary>Each REGISTERED after the first, counted from the failure that began last before it.</summary>
    private void CountTakeovers(IReadOnlyList<ChaosEvent> log, IReadOnlyList<ChaosFailure> failures)
    {
        var registered = log.Where(e => e.Type == "status").Select(e => e.Parse())
            .Where(e => e.GetProperty("status").GetString() == "REGISTERED")
            .Select(e => DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture)).Skip(1);
        foreach (var time in registered)
        {
            _takeovers++;
            if (failures.LastOrDefault(f => f.Started <= time) is { } failure) (failure.Killed ? _afterKill : _afterTerm).Add((time - failure.Started).TotalSeconds);
        }
    }

    /// <summary>The failure that excuses the line at <paramref name="at"/> of the writer's order, if one does.</summary>
    private static ChaosFailure? Excuse(int at, IReadOnlyList<int> quits, IReadOnlyList<ChaosFailure> failures, IReadOnlyDictionary<string, int> marks)
    {
        var quit = quits.Where(q => q > at).DefaultIfEmpty(int.MaxValue).Min();
        if (quit == int.MaxValue) return null;
        return failures.LastOrDefault(f => marks.TryGetValue(f.StartMark, out var start) && start < at
                                           && quit < (marks.TryGetValue(f.RecoveredMark, out var recovered) ? recovered : int.MaxValue));
    }

    private static Dictionary<string, int> Marks(IReadOnlyList<IrcMessage> received)
    {
        var marks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < received.Count; i++)
        {
            if (received[i] is { Command: "PONG", Params: [.., var token] } && token.StartsWith(ChaosWriter.MarkPrefix, StringComparison.Ordinal))
                marks[token[ChaosWriter.MarkPrefix.Length..]] = i;
        }
        return marks;
    }

    /// <summary>
    /// Where a takeover's RECONNECTING says the previous node may have read lines it had not stored: the writer's line
    /// numbers strictly between the last line recorded before it and the first recorded after it.
    /// </summary>
    private static List<(int After, int Before)> UnstoredSpans(IReadOnlyList<ChaosEvent> log, string channel, string writerNick)
    {
        var spans = new List<(int After, int Before)>();
        var last = 0;
        int? open = null;
        foreach (var e in log)
        {
            if (e.Type == "status" && e.Parse() is var status && status.GetProperty("status").GetString() == "RECONNECTING"
                && (status.GetProperty("detail").GetString() ?? "").Contains("had not stored yet", StringComparison.Ordinal))
            {
                open ??= last;
                continue;
            }
            if (RecordedLines([e], channel, writerNick) is not [var n]) continue;
            if (open is { } after) spans.Add((after, n));
            open = null;
            last = n;
        }
        if (open is { } unclosed) spans.Add((unclosed, int.MaxValue));
        return spans;
    }

    /// <summary>The numbers of the writer's lines in <paramref name="channel"/> that the log recorded, in log order.</summary>
    private static List<int> RecordedLines(IReadOnlyList<ChaosEvent> log, string channel, string writerNick)
    {
        var numbers = new List<int>();
        foreach (var e in log.Where(e => e.Type == "message"))
        {
            var json = e.Parse();
            if (json.GetProperty("command").GetString() != "PRIVMSG") continue;
            var source = json.GetProperty("source").GetString() ?? "";
            var p = json.GetProperty("params");
            if (!IrcNames.Equal(IrcSource.NickOf(source).ToString(), writerNick) || p.GetArrayLength() < 2 || !IrcNames.Equal(p[0].GetString()!, channel)) continue;
            if (LineNumber(p[1].GetString()!) is { } n) numbers.Add(n);
        }
        return numbers;
    }

    internal static int? LineNumber(string text) =>
        text.StartsWith(ChaosWriter.LinePrefix, StringComparison.Ordinal) && int.TryParse(text.AsSpan(ChaosWriter.LinePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <param name="FirstJoin">Where in the writer's order a connection of the session first joined (int.MaxValue: never).</param>
    internal sealed record Timeline(List<(int N, int At, bool Present)> Lines, List<int> Quits, List<string> Overlaps, bool PresentAtEnd, int FirstJoin);

    /// <summary>Where in the writer's order the session's connections joined and left, and which lines they were there for.</summary>
    internal static Timeline Follow(IReadOnlyList<IrcMessage> received, ChaosSession session, string writerNick)
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lines = new List<(int, int, bool)>();
        var quits = new List<int>();
        var overlaps = new List<string>();
        var firstJoin = int.MaxValue;
        for (var i = 0; i < received.Count; i++)
        {
            var m = received[i];
            var nick = m.Source is { } source ? IrcSource.NickOf(source).ToString() : "";
            var p = m.Params;
            switch (m.Command)
            {
                case "JOIN" when p.Count > 0 && Belongs(nick, session) && p[0].Split(',').Any(c => IrcNames.Equal(c, session.Channel)):
                    if (present.Count > 0 && !present.Contains(nick)) overlaps.Add($"{nick} joined while {string.Join(", ", present)} was still in (message {i} of the writer's)");
                    present.Add(nick);
                    firstJoin = Math.Min(firstJoin, i);
                    break;
                case "PART" when p.Count > 0 && present.Contains(nick) && p[0].Split(',').Any(c => IrcNames.Equal(c, session.Channel)):
                    present.Remove(nick);
                    quits.Add(i);
                    break;
                case "KICK" when p.Count > 1 && IrcNames.Equal(p[0], session.Channel) && present.Contains(p[1]):
                    present.Remove(p[1]);
                    quits.Add(i);
                    break;
                case "QUIT" when present.Contains(nick):
                    present.Remove(nick);
                    quits.Add(i);
                    break;
                case "NICK" when p.Count > 0 && present.Remove(nick):
                    present.Add(p[0]);
                    break;
                case "PRIVMSG" when p.Count > 1 && IrcNames.Equal(nick, writerNick) && IrcNames.Equal(p[0], session.Channel):
                    if (LineNumber(p[1]) is { } n) lines.Add((n, i, present.Count > 0));
                    break;
            }
        }
        return new Timeline(lines, quits, overlaps, present.Count > 0, firstJoin);
    }

    /// <summary>The session's nick or one the gateway made from it when it was taken (<c>nick_</c>, <c>nick123</c>).</summary>
    private static bool Belongs(string nick, ChaosSession session) => nick.StartsWith(session.Nick, StringComparison.OrdinalIgnoreCase);

    /// <summary>"p50 1.2 s, p99 5.1 s, max 5.3 s (n 44)" of <paramref name="seconds"/>.</summary>
    private static string Spread(IEnumerable<double> seconds)
    {
        var sorted = seconds.Order().ToArray();
        if (sorted.Length == 0) return "- (none)";
        string At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
        return $"p50 {At(0.50)} s, p99 {At(0.99)} s, max {At(1)} s (n {sorted.Length})";
    }

    private static string Sample<T>(IEnumerable<T> items)
    {
        var list = items.Take(11).ToList();
        return list.Count > 10 ? string.Join(", ", list.Take(10)) + ", ..." : string.Join(", ", list);
    }

    private void Violation(string text) => _violations.Add(text);
}

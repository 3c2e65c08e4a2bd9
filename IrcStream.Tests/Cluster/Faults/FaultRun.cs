using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Cluster.Chaos;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster.Faults;

/// <summary>One Redis fault: what it is called, what it does to Redis, and whether the run must see it cost nothing.</summary>
/// <param name="Act">Does the fault and returns when Redis is meant to be back (resumed, restarted, a new primary named).</param>
/// <param name="Harmless">When true the check fails on any line lost or doubled, IRC reconnect, silent 202 or 500 in its window.</param>
internal sealed record Fault(string Name, Func<CancellationToken, Task> Act, bool Harmless);

/// <summary>What one fault cost, as readers, the IRC server and the HTTP answers saw it.</summary>
internal sealed record FaultFigures(string Name, bool Harmless)
{
    public int Reconnects { get; set; }
    public int LinesDelivered { get; set; }
    public int LinesLost { get; set; }
    public int LinesNotInLog { get; set; }
    public int LinesDoubled { get; set; }
    public int LinesWithoutSocket { get; set; }
    public int Gaps { get; set; }
    public int Accepted { get; set; }
    public int AcceptedSilentlyLost { get; set; }
    public int AcceptedReportedNotSent { get; set; }
    public TimeSpan Recovery { get; set; }
    public SortedDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);

    public bool CostNothing => Reconnects == 0 && LinesLost == 0 && LinesNotInLog == 0 && LinesDoubled == 0 && AcceptedSilentlyLost == 0 && AnswersClear;

    /// <summary>No answer was a 500, and every 503 of the API said when to try again, as problem details.</summary>
    public bool AnswersClear => !Answers.Keys.Any(k => k.EndsWith(" 500", StringComparison.Ordinal) || k.Contains(FaultRun.Unclear503, StringComparison.Ordinal));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: IRC reconnects {Reconnects}; lines delivered {LinesDelivered}, lost {LinesLost} (not in the log {LinesNotInLog}), doubled {LinesDoubled}, not delivered (no socket) {LinesWithoutSocket}; " +
        $"gap events {Gaps}; POST 202 {Accepted} (not sent and reported {AcceptedReportedNotSent}, lost in silence {AcceptedSilentlyLost}); " +
        $"answers [{string.Join(", ", Answers.Select(a => $"{a.Key}: {a.Value}"))}]; recovered in {Recovery.TotalSeconds:0.0} s");
}

/// <summary>
/// The fault test's course: two gateway processes, sessions each with a connection in its own channel, a raw IRC client
/// writing numbered lines into every channel, readers that follow the load balancer, and beside them each session
/// posting a line a second and describing its connection, and every node's /healthz asked twice a second. Then the
/// faults one after another: each is marked in the writer's order, done, and followed until every connection is back in
/// its channel and every reader has a line written after it. The figures are counted per fault.
/// </summary>
internal static class FaultRun
{
    /// <summary>What an API 503 without Retry-After or without problem details is counted as (after its method).</summary>
    public const string Unclear503 = "503 without Retry-After or problem details";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WritePeriod = TimeSpan.FromMilliseconds(200);
    private const string SayPrefix = "say ";

    /// <returns>The figures per fault, the report, and what the nodes logged (to tell a cause from the figures).</returns>
    public static async Task<(IReadOnlyList<FaultFigures> Figures, string Report, string NodeLog)> RunAsync(
        InspircdServer irc, string redisConfiguration, int sessionCount, IReadOnlyList<Fault> faults, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ChaosCluster.StartAsync(2, irc.Port, cancellationToken, redisConfiguration);
        var channels = Enumerable.Range(0, sessionCount).Select(i => $"#fault{i:D2}-{RawIrcClient.UniqueNick("")}").ToArray();
        await using var writer = await ChaosWriter.JoinAsync(irc, channels, cancellationToken);
        var sessions = new List<ChaosSession>();
        var answers = new ConcurrentQueue<(DateTimeOffset At, string What)>();
        var said = new ConcurrentQueue<(DateTimeOffset At, ChaosSession Session, string Text)>();
        try
        {
            for (var i = 0; i < sessionCount; i++)
                sessions.Add(await ChaosSession.OpenAsync(i, RawIrcClient.UniqueNick("f"), channels[i], cluster.Nodes[i % 2].Address!, $"127.0.0.1:{irc.Port}", cancellationToken));
            await WaitUntilAsync(() => writer.AllPresent(sessions), "every session's connection in its channel", cancellationToken);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var readers = sessions.Select(s => Task.Run(() => s.ReadAsync(cluster, stop.Token), CancellationToken.None)).ToArray();
            var probes = sessions.Select(s => Task.Run(() => ProbeAsync(s, cluster, answers, said, stop.Token), CancellationToken.None))
                .Concat(cluster.Nodes.Select(n => Task.Run(() => HealthAsync(n, answers, stop.Token), CancellationToken.None))).ToArray();
            using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writing = writer.WriteAsync(WritePeriod, stopWriting.Token);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

            var windows = new List<Window>();
            foreach (var fault in faults)
            {
                await writer.MarkAsync($"start-{fault.Name}", cancellationToken);
                var window = new Window(fault, DateTimeOffset.UtcNow, writer.Rounds, sessions.Select(s => s.Seen.Count).ToArray());
                await fault.Act(cancellationToken);
                var back = Stopwatch.StartNew();
                var after = writer.Rounds;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                await WaitUntilAsync(() => writer.AllPresent(sessions) && sessions.All(s => NewestLine(s) > after), $"every connection in its channel and every reader past line {after} after {fault.Name}", cancellationToken);
                window.Recovery = back.Elapsed;
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                await writer.MarkAsync($"end-{fault.Name}", cancellationToken);
                window.End = DateTimeOffset.UtcNow;
                window.EndRound = writer.Rounds;
                window.EndSeen = sessions.Select(s => s.Seen.Count).ToArray();
                windows.Add(window);
            }

            await stopWriting.CancelAsync();
            await writing;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(readers.Concat(probes));

            var received = writer.Received;
            var logs = new Dictionary<ChaosSession, IReadOnlyList<ChaosEvent>>();
            foreach (var session in sessions) logs[session] = await session.ReadLogAsync(cluster, cancellationToken);
            var figures = windows.Select(w => Count(w, sessions, received, writer.Nick, logs, answers, said)).ToList();
            // What the nodes logged, for the figures that are not what they should be.
            var nodeLog = cluster.Output();
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), $"ircstream-faults-nodes-{faults[0].Name.Replace(' ', '-')}.txt"), nodeLog, cancellationToken);
            var report = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"faults: 2 nodes, {sessionCount} sessions, LeaseTimeout {ChaosCluster.LeaseTimeout.TotalSeconds:0.#} s, {writer.Rounds} lines into every channel, {clock.Elapsed.TotalSeconds:0} s")
                .AppendJoin(Environment.NewLine, figures)
                .ToString();
            return (figures, report, nodeLog);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var output = cluster.Output();
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}{(output.Length > 30000 ? "..." + output[^30000..] : output)}", ex);
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }

    private sealed class Window(Fault fault, DateTimeOffset start, int startRound, int[] startSeen)
    {
        public Fault Fault { get; } = fault;
        public DateTimeOffset Start { get; } = start;
        public int StartRound { get; } = startRound;
        public int[] StartSeen { get; } = startSeen;
        public DateTimeOffset End { get; set; }
        public int EndRound { get; set; }
        public int[] EndSeen { get; set; } = [];
        public TimeSpan Recovery { get; set; }
    }

    private static FaultFigures Count(
        Window window, IReadOnlyList<ChaosSession> sessions, IReadOnlyList<IrcMessage> received, string writerNick,
        IReadOnlyDictionary<ChaosSession, IReadOnlyList<ChaosEvent>> logs,
        IEnumerable<(DateTimeOffset At, string What)> answers, IEnumerable<(DateTimeOffset At, ChaosSession Session, string Text)> said)
    {
        var figures = new FaultFigures(window.Fault.Name, window.Fault.Harmless) { Recovery = window.Recovery };
        var start = MarkIndex(received, $"start-{window.Fault.Name}");
        var end = MarkIndex(received, $"end-{window.Fault.Name}");
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i];
            var timeline = ChaosCheck.Follow(received, session, writerNick);
            var seen = session.Seen;
            var counts = LinesOf(seen, session.Channel, writerNick).CountBy(n => n).ToDictionary();
            var inLog = LinesOf(logs[session], session.Channel, writerNick).ToHashSet();
            foreach (var line in timeline.Lines.Where(l => l.N > window.StartRound && l.N <= window.EndRound))
            {
                if (!line.Present)
                {
                    figures.LinesWithoutSocket++;
                    continue;
                }
                figures.LinesDelivered++;
                var times = counts.GetValueOrDefault(line.N);
                if (times == 0) figures.LinesLost++;
                if (!inLog.Contains(line.N)) figures.LinesNotInLog++;
                if (times > 1) figures.LinesDoubled++;
            }
            figures.Gaps += seen.Skip(window.StartSeen[i]).Take(window.EndSeen[i] - window.StartSeen[i]).Count(e => e.Type == "gap");
            for (var at = start + 1; at < end; at++)
            {
                if (received[at] is { Command: "JOIN", Source: { } source } && source.StartsWith(session.Nick, StringComparison.OrdinalIgnoreCase)) figures.Reconnects++;
            }
        }
        foreach (var (_, what) in answers.Where(a => a.At >= window.Start && a.At <= window.End))
            figures.Answers[what] = figures.Answers.GetValueOrDefault(what) + 1;
        foreach (var (_, session, text) in said.Where(s => s.At >= window.Start && s.At <= window.End))
        {
            figures.Accepted++;
            var arrived = received.Any(m => m is { Command: "PRIVMSG", Params: [var target, var body], Source: { } source }
                                            && source.StartsWith(session.Nick, StringComparison.OrdinalIgnoreCase) && IrcNames.Equal(target, session.Channel) && body == text);
            if (arrived) continue;
            var reported = logs[session].Any(e => e.Type == "status" && e.Json.Contains(text, StringComparison.Ordinal) && e.Json.Contains("not sent", StringComparison.Ordinal));
            if (reported) figures.AcceptedReportedNotSent++;
            else figures.AcceptedSilentlyLost++;
        }
        return figures;
    }

    /// <summary>Every second: a numbered line posted and the connection described, through the load balancer; each answer's status kept.</summary>
    private static async Task ProbeAsync(
        ChaosSession session, ILoadBalancer cluster, ConcurrentQueue<(DateTimeOffset, string)> answers,
        ConcurrentQueue<(DateTimeOffset, ChaosSession, string)> said, CancellationToken cancellationToken)
    {
        var number = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                if (cluster.Pick() is not { } node) continue;
                var text = $"{SayPrefix}{++number}";
                var at = DateTimeOffset.UtcNow;
                var status = await StatusAsync(() => session.Http.PostAsJsonAsync(new Uri(node, $"/api/connections/{session.Id}/lines"), new { lines = new[] { $"PRIVMSG {session.Channel} :{text}" } }, cancellationToken), api: true);
                answers.Enqueue((at, $"POST {status}"));
                if (status == "202") said.Enqueue((at, session, text));
                if (cluster.Pick() is not { } other) continue;
                answers.Enqueue((DateTimeOffset.UtcNow, $"GET {await StatusAsync(() => session.Http.GetAsync(new Uri(other, $"/api/connections/{session.Id}"), cancellationToken), api: true)}"));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task HealthAsync(ChaosNode node, ConcurrentQueue<(DateTimeOffset, string)> answers, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                if (node.Address is not { } address) continue;
                answers.Enqueue((DateTimeOffset.UtcNow, $"healthz {await StatusAsync(() => http.GetAsync(new Uri(address, "/healthz"), cancellationToken))}"));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The answer's status, or 0 when none came (refused, timed out); with <paramref name="api"/>, a 503 that does not
    /// say when to try again (Retry-After) in problem details is counted apart (<see cref="Unclear503"/>).
    /// </summary>
    private static async Task<string> StatusAsync(Func<Task<HttpResponseMessage>> send, bool api = false)
    {
        try
        {
            using var response = await send();
            var status = (int)response.StatusCode;
            if (api && status == 503 && (response.Headers.RetryAfter is null || response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
                return Unclear503;
            return status.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "0";
        }
    }

    /// <summary>The highest numbered line of the writer's in the session's channel that its reader has got.</summary>
    private static int NewestLine(ChaosSession session)
    {
        var seen = session.Seen;
        for (var i = seen.Count - 1; i >= 0 && i >= seen.Count - 50; i--)
        {
            if (seen[i].Type == "message" && LineOf(seen[i], session.Channel, null) is { } n) return n;
        }
        return 0;
    }

    private static IEnumerable<int> LinesOf(IEnumerable<ChaosEvent> events, string channel, string writerNick) =>
        events.Where(e => e.Type == "message").Select(e => LineOf(e, channel, writerNick)).OfType<int>();

    private static int? LineOf(ChaosEvent e, string channel, string? writerNick)
    {
        var json = e.Parse();
        if (json.GetProperty("command").GetString() != "PRIVMSG") return null;
        var p = json.GetProperty("params");
        if (p.GetArrayLength() < 2 || !IrcNames.Equal(p[0].GetString()!, channel)) return null;
        if (writerNick is not null && !IrcNames.Equal(IrcSource.NickOf(json.GetProperty("source").GetString() ?? "").ToString(), writerNick)) return null;
        return ChaosCheck.LineNumber(p[1].GetString()!);
    }

    private static int MarkIndex(IReadOnlyList<IrcMessage> received, string mark)
    {
        for (var i = 0; i < received.Count; i++)
        {
            if (received[i] is { Command: "PONG", Params: [.., var token] } && token == ChaosWriter.MarkPrefix + mark) return i;
        }
        throw new InvalidOperationException($"The writer never got its mark {mark} back.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not {what} within {Patience.TotalSeconds:0} s.");
            await Task.Delay(300, cancellationToken);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Busy: K sessions, each with an IRC connection and an open reader, whose logs the pump fills to the shipped
/// retention (1,000 events) with channel traffic, then left idle. The gateway's heap (after a full, compacting
/// GC) is sampled with the sessions idle and empty and again with their logs full; the difference over K x
/// lines is what one retained event costs, and the full figure over K is what a busy session costs.
/// </summary>
public static class BusyScenario
{
    public const string Name = "busy";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>Typical lines of a busy channel; <c>{0}</c> numbers them so no two are alike.</summary>
    private static readonly Dictionary<string, string[]> Traffic = new()
    {
        ["privmsg"] =
        [
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6};account=talker :talker{0}!~talker@user-{0}.example.net PRIVMSG #ircstream :a typical line of chat, about sixty characters long, no. {0}",
        ],
        ["join"] = [":joiner{0}!~joiner@user-{0}.example.net JOIN #ircstream"],
        ["mix"] =
        [
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6};account=talker :talker{0}!~talker@user-{0}.example.net PRIVMSG #ircstream :a typical line of chat, about sixty characters long, no. {0}",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6};account=talker :talker{0}!~talker@user-{0}.example.net PRIVMSG #ircstream :a typical line of chat, about sixty characters long, no. {0}",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6};account=talker :talker{0}!~talker@user-{0}.example.net PRIVMSG #ircstream :a typical line of chat, about sixty characters long, no. {0}",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6} :joiner{0}!~joiner@user-{0}.example.net JOIN #ircstream",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6} :leaver{0}!~leaver@user-{0}.example.net PART #ircstream :see you",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6} :quitter{0}!~quitter@user-{0}.example.net QUIT :Quit: Leaving",
            "@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{0:x6} :op!~op@services.example.net MODE #ircstream +o talker{0}",
        ],
    };

    public static IReadOnlyCollection<string> Kinds => Traffic.Keys;

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var sessions = options.DensitySessions;
        const int lines = 1000;
        var traffic = Lines(options.BusyTraffic, lines);
        var runs = new List<ScenarioRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var rig = await GatewayRig.StartAsync(1000, cancellationToken);
            var (opened, delivered, start, before, idle, load) = await rig.OpenIdleSessionsAsync(sessions, transport, Settle, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{options.BusyTraffic}-{run}-idle", cancellationToken);

            // Fill every log: the readers keep up, so each connection ends with its retention full.
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(opened, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (open, ct) => await open.Pump.SendAsync(traffic, ct));
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(options.RunTimeout);
                while (delivered.Value < (long)sessions * lines) await Task.Delay(100, limit.Token);
            }
            clock.Stop();
            await Task.Delay(Settle, cancellationToken);
            var full = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{options.BusyTraffic}-{run}-full", cancellationToken);
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["heap B/session idle"] = (double)(idle.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/session full"] = (double)(full.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/retained event"] = (double)(full.HeapBytes - idle.HeapBytes) / sessions / lines,
                ["RSS B/session full"] = (double)(full.WorkingSetBytes - before.WorkingSetBytes) / sessions,
                ["gateway RSS MB at start"] = start.WorkingSetBytes / 1e6,
                ["gateway heap MB at start"] = start.HeapBytes / 1e6,
                ["gateway RSS MB full"] = full.WorkingSetBytes / 1e6,
                ["fill s"] = clock.Elapsed.TotalSeconds,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["lines/session"] = lines.ToString(CultureInfo.InvariantCulture),
            ["traffic"] = options.BusyTraffic,
            ["transport"] = FirehoseScenario.Label(transport),
        };
        return ScenarioReport.From($"{Name}-{options.BusyTraffic}-{transport.ToString().ToLowerInvariant()}",
            $"{sessions} sessions, each log filled with {lines} lines of '{options.BusyTraffic}' channel traffic, then idle: heap per session and per retained event",
            parameters, runs, baselineRate: null);
    }

    private static byte[] Lines(string kind, int count)
    {
        var templates = Traffic[kind];
        var text = new StringBuilder();
        for (var i = 0; i < count; i++) text.Append(string.Format(CultureInfo.InvariantCulture, templates[i % templates.Length], i)).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

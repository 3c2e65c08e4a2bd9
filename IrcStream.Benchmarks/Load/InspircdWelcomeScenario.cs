using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A real server's short welcome: K sessions whose IRC connections go to a real InspIRCd (no MOTD) and each join
/// a channel of their own, opened in two halves, then idle. The gateway's heap (after a full, compacting GC) and
/// RSS are sampled after each half: per session in total and marginal (the second half only).
/// </summary>
public static class InspircdWelcomeScenario
{
    public const string Name = "inspircd";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var half = Math.Max(1, options.DensitySessions / 2);
        var sessions = 2 * half;
        var runs = new List<ScenarioRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var server = await InspircdProcess.StartAsync(cancellationToken);
            await using var rig = await GatewayRig.StartAsync(1000, cancellationToken);
            var start = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var channel = 0;
            Task OpenAsync(int count) => Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (_, ct) => await rig.OpenElsewhereAsync(server.Server, $"#load{Interlocked.Increment(ref channel)}", transport, ct));
            await OpenAsync(1);
            await Task.Delay(Settle, cancellationToken);
            var before = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var load = ScenarioReport.ReadLoadAverage();
            await OpenAsync(half);
            await Task.Delay(Settle, cancellationToken);
            var halfWay = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await OpenAsync(half);
            await Task.Delay(Settle, cancellationToken);
            var all = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}", cancellationToken);
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["heap B/session"] = (double)(all.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/session marginal"] = (double)(all.HeapBytes - halfWay.HeapBytes) / half,
                ["RSS B/session"] = (double)(all.WorkingSetBytes - before.WorkingSetBytes) / sessions,
                ["RSS B/session marginal"] = (double)(all.WorkingSetBytes - halfWay.WorkingSetBytes) / half,
                ["gateway RSS MB at start"] = start.WorkingSetBytes / 1e6,
                ["gateway RSS MB"] = all.WorkingSetBytes / 1e6,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["server"] = "InspIRCd (" + ServerLaunches.InspircdPath + "), no MOTD, one channel each",
            ["transport"] = FirehoseScenario.Label(transport),
            ["gc"] = HarnessGateway.Gc,
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}",
            $"{sessions} sessions (two halves) on a real InspIRCd, one channel each, then idle: heap and RSS per session, total and marginal",
            parameters, runs, baselineRate: null);
    }
}

using System.Diagnostics;
using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Density: K idle sessions, each with an IRC connection and an open reader, on a fresh gateway per run. The
/// gateway's heap (after a full, compacting GC), its working set and its open files are sampled before the
/// sessions open and once they are all registered and settled; the differences, divided by K, are the cost of
/// one idle session.
/// </summary>
public static class DensityScenario
{
    public const string Name = "density";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The gateway's CPU over a quiet spell, as a percentage of one core. Taken after a full GC and a settling
    /// delay, so it holds neither the opening's background GC nor the JIT's tier-up work.
    /// </summary>
    private static async Task<double> IdleCpuPercentAsync(HarnessGateway gateway, CancellationToken cancellationToken)
    {
        var from = await gateway.MeasureAsync(collect: false, cancellationToken);
        var clock = Stopwatch.StartNew();
        await Task.Delay(Settle, cancellationToken);
        var to = await gateway.MeasureAsync(collect: false, cancellationToken);
        return (to.CpuSeconds - from.CpuSeconds) / clock.Elapsed.TotalSeconds * 100;
    }

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var sessions = options.DensitySessions;
        var runs = new List<ScenarioRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var rig = await GatewayRig.StartAsync(1000, cancellationToken);
            // Warm the gateway's code paths with one session, so the baseline sample is not a cold process.
            await rig.OpenAsync(transport, static _ => true, cancellationToken);
            var before = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var idleBefore = await IdleCpuPercentAsync(rig.Gateway, cancellationToken);
            var load = ScenarioReport.ReadLoadAverage();
            var opening = Stopwatch.StartNew();
            await rig.OpenManyAsync(sessions, transport, static _ => true, cancellationToken);
            opening.Stop();
            await Task.Delay(Settle, cancellationToken);
            var after = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var idleAfter = await IdleCpuPercentAsync(rig.Gateway, cancellationToken);
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["heap B/session"] = (double)(after.HeapBytes - before.HeapBytes) / sessions,
                ["RSS B/session"] = (double)(after.WorkingSetBytes - before.WorkingSetBytes) / sessions,
                ["gateway fds/session"] = (double)(after.OpenFiles - before.OpenFiles) / sessions,
                ["gateway fds"] = after.OpenFiles,
                // What the gateway spends while nothing happens, with one session and with all of them.
                ["idle CPU % (1 session)"] = idleBefore,
                ["idle CPU %"] = idleAfter,
                ["gateway RSS MB"] = after.WorkingSetBytes / 1e6,
                ["sessions/s opened"] = sessions / opening.Elapsed.TotalSeconds,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["transport"] = FirehoseScenario.Label(transport),
            ["gc"] = HarnessGateway.Gc,
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}",
            $"{sessions} idle sessions, each an IRC connection + an open {FirehoseScenario.Label(transport)} reader: gateway memory and files per session",
            parameters, runs, baselineRate: null);
    }
}

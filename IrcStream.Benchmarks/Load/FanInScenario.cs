using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Fan-in: K sessions, each with an IRC connection and an open reader (SSE or long-poll), and the pump writing
/// one PRIVMSG a second to each connection, spread evenly over the second. Each line carries the pump's
/// <see cref="Stopwatch"/> timestamp, so the reader's latency is send-to-receive on one clock (one process).
/// The sessions are opened once; each run is one measured window over them.
/// </summary>
public static class FanInScenario
{
    public const string Name = "fanin";

    /// <summary>Sends are spread over the second in this many slots.</summary>
    private const int SlotsPerSecond = 100;

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var sessions = options.Sessions;
        await using var rig = await GatewayRig.StartAsync(1000, cancellationToken, options.Redis, options.ReadOnOwner);
        var window = new Window(0);
        var opening = Stopwatch.StartNew();
        var open = await rig.OpenManyAsync(sessions, transport, e =>
        {
            if (e.Kind == EventKind.Message && e.SentTimestamp != 0) Volatile.Read(ref window).Record(Stopwatch.GetElapsedTime(e.SentTimestamp).TotalMilliseconds);
            return true;
        }, cancellationToken);
        opening.Stop();

        var runs = new List<ScenarioRun>();
        for (var run = 1 - options.WarmupRuns; run <= options.Runs; run++)
        {
            var current = new Window(sessions * (options.Duration + 2));
            Volatile.Write(ref window, current);
            var load = ScenarioReport.ReadLoadAverage();
            var before = await rig.Gateway.MeasureAsync(collect: false, cancellationToken);
            var harnessBefore = HarnessCpuSeconds();
            var harnessPauseBefore = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            var sent = await SendForAsync(open, TimeSpan.FromSeconds(options.Duration), cancellationToken);
            var sending = clock.Elapsed;
            var drained = Stopwatch.StartNew();
            while (current.Received < sent && drained.Elapsed < Drain) await Task.Delay(20, cancellationToken);
            var after = await rig.Gateway.MeasureAsync(collect: false, cancellationToken);
            clock.Stop();
            var harnessCpu = HarnessCpuSeconds() - harnessBefore;
            var harnessPause = GC.GetTotalPauseDuration() - harnessPauseBefore;
            if (run < 1) continue;

            var latencies = current.Latencies.Sorted();
            var cpu = after.CpuSeconds - before.CpuSeconds;
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["sent/s"] = sent / sending.TotalSeconds,
                ["lost"] = sent - current.Received,
                ["p50 ms"] = latencies.Length > 0 ? Percentiles.Of(latencies, 50) : double.NaN,
                ["p99 ms"] = latencies.Length > 0 ? Percentiles.Of(latencies, 99) : double.NaN,
                ["p99.9 ms"] = latencies.Length > 0 ? Percentiles.Of(latencies, 99.9) : double.NaN,
                ["max ms"] = latencies.Length > 0 ? latencies[^1] : double.NaN,
                ["gateway CPU %"] = cpu / clock.Elapsed.TotalSeconds * 100,
                ["gateway CPU s/100k"] = cpu / Math.Max(1, current.Received) * 100_000,
                // The pump and the readers, on the same 2 cores: what the gateway competes with besides other users.
                ["harness CPU %"] = harnessCpu / clock.Elapsed.TotalSeconds * 100,
                ["gateway gen1 GCs"] = after.Gen1 - before.Gen1,
                ["gateway gen2 GCs"] = after.Gen2 - before.Gen2,
                // GC pauses stop every thread of a process: in the gateway they delay lines, in the harness their receipt.
                ["gateway GC pause ms"] = after.GcPauseMilliseconds - before.GcPauseMilliseconds,
                ["harness GC pause ms"] = harnessPause.TotalMilliseconds,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["secondsPerRun"] = options.Duration.ToString(CultureInfo.InvariantCulture),
            ["linesPerSessionPerSecond"] = "1",
            ["transport"] = FirehoseScenario.Label(transport),
            ["warmup"] = options.WarmupRuns.ToString(CultureInfo.InvariantCulture),
            ["openingSeconds"] = opening.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}{(options.ReadOnOwner ? "-redis-owner" : options.Redis ? "-redis" : "")}",
            $"{sessions} sessions, each an IRC connection + {FirehoseScenario.WithArticle(transport)} reader, 1 line/s each; send-to-receive latency",
            parameters, runs, baselineRate: null);
    }

    /// <summary>Writes one timed line a second to every session for <paramref name="duration"/>, in slots spread over each second; returns the lines written.</summary>
    private static async Task<long> SendForAsync(OpenSession[] sessions, TimeSpan duration, CancellationToken cancellationToken)
    {
        long sent = 0;
        var slots = (int)(duration.TotalSeconds * SlotsPerSecond);
        var start = Stopwatch.GetTimestamp();
        for (var slot = 0; slot < slots; slot++)
        {
            var due = TimeSpan.FromSeconds((double)slot / SlotsPerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
            for (var i = slot % SlotsPerSecond; i < sessions.Length; i += SlotsPerSecond)
            {
                await sessions[i].Pump.SendAsync(TimedLine(Stopwatch.GetTimestamp()), cancellationToken);
                sent++;
            }
        }
        return sent;
    }

    public static double HarnessCpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>A PRIVMSG whose text is <see cref="EventData.TimedPrefix"/> and the send timestamp.</summary>
    public static byte[] TimedLine(long timestamp) =>
        Encoding.ASCII.GetBytes($":bob!~bob@pump.load PRIVMSG #load :{EventData.TimedPrefix}{timestamp.ToString(CultureInfo.InvariantCulture)}\r\n");

    private sealed class Window(int capacity)
    {
        private long _received;

        public LatencyRecorder Latencies { get; } = new(capacity);

        public long Received => Interlocked.Read(ref _received);

        public void Record(double milliseconds)
        {
            Interlocked.Increment(ref _received);
            Latencies.Add(milliseconds);
        }
    }
}

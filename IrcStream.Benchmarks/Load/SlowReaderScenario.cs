using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The firehose with a slow reader: the pump sends a burst of N tagged PRIVMSGs at R lines/s to one connection,
/// and its reader handles events at R/2, so by the burst's end it is about N/2 events behind, far past the
/// connection's retention (<c>EventBufferSize</c> 1,000, <c>EventBufferBytes</c> 1 MiB). The gateway runs
/// with its shipped defaults; what is measured is whether the reader gets every event (no gap), and what the
/// gateway holds for it meanwhile.
/// </summary>
public static class SlowReaderScenario
{
    public const string Name = "slowreader";

    private const int PumpChunk = 50;

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(BaselineScenario.Line + "\r\n");
        // The shipped retention: EventBufferSize 1,000 and the default EventBufferBytes and hold caps.
        await using var rig = await GatewayRig.StartAsync(1000, cancellationToken);
        var runs = new List<ScenarioRun>();
        for (var run = 1 - options.WarmupRuns; run <= options.Runs; run++)
        {
            var result = await RunOnceAsync(rig, transport, line, options.BurstMessages, options.BurstRate, options.RunTimeout, cancellationToken);
            if (run >= 1) runs.Add(new ScenarioRun(run, result));
        }
        var parameters = new Dictionary<string, string>
        {
            ["messages"] = options.BurstMessages.ToString(CultureInfo.InvariantCulture),
            ["pump lines/s"] = options.BurstRate.ToString(CultureInfo.InvariantCulture),
            ["reader events/s"] = (options.BurstRate / 2).ToString(CultureInfo.InvariantCulture),
            ["transport"] = FirehoseScenario.Label(transport),
            ["settings"] = "shipped defaults (EventBufferSize 1000, EventBufferBytes 1 MiB, LiveReaderHoldBytes 16 MiB)",
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}",
            $"burst of {options.BurstMessages} tagged PRIVMSGs at {options.BurstRate}/s -> 1 {FirehoseScenario.Label(transport)} reader handling {options.BurstRate / 2}/s",
            parameters, runs, baselineRate: null);
    }

    private static async Task<Dictionary<string, double>> RunOnceAsync(
        GatewayRig rig, Transport transport, byte[] line, int messages, int rate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        long end = long.MaxValue, delivered = 0, dropped = 0, started = 0;
        var readerRate = rate / 2.0;
        var open = await rig.OpenAsync(transport, e =>
        {
            if (e.Kind == EventKind.Message) delivered++;
            else if (e.Kind == EventKind.Gap) dropped += e.GapTo - e.GapFrom + 1;
            // Handle events no faster than readerRate since the burst began: the reader blocks, so the
            // socket (or its next poll) waits, as a slow browser's would.
            var due = Volatile.Read(ref started) + (long)(delivered / readerRate * Stopwatch.Frequency);
            var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (ahead > TimeSpan.FromMilliseconds(1)) Thread.Sleep(ahead);
            return e.Seq < Volatile.Read(ref end);
        }, limit.Token);
        Volatile.Write(ref end, open.RegisteredSeq + messages);

        var before = await rig.Gateway.MeasureAsync(collect: true, limit.Token);
        var load = ScenarioReport.ReadLoadAverage();
        var block = new byte[PumpChunk * line.Length];
        for (var i = 0; i < PumpChunk; i++) line.CopyTo(block, i * line.Length);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref started, Stopwatch.GetTimestamp());
        long behindAtBurstEnd;
        double pumpSeconds;
        GatewayStats atBurstEnd;
        try
        {
            for (var sent = 0; sent < messages;)
            {
                var lines = Math.Min(PumpChunk, messages - sent);
                await open.Pump.SendAsync(block.AsMemory(0, lines * line.Length), limit.Token);
                sent += lines;
                var wait = TimeSpan.FromSeconds((double)sent / rate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, limit.Token);
            }
            pumpSeconds = clock.Elapsed.TotalSeconds;
            behindAtBurstEnd = messages - Volatile.Read(ref delivered);
            atBurstEnd = await rig.Gateway.MeasureAsync(collect: true, limit.Token);
            if (!await open.Reading.WaitAsync(limit.Token))
                throw new InvalidOperationException($"The {FirehoseScenario.Label(transport)} stream ended after {delivered} of {messages} lines.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"A slow-reader run did not finish within {timeout.TotalSeconds:0} s ({delivered} of {messages} lines arrived); lower --burst or raise --timeout.");
        }
        clock.Stop();
        var after = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
        await rig.CloseAsync(open, cancellationToken);

        return new Dictionary<string, double>
        {
            ["delivered"] = delivered,
            ["dropped"] = dropped,
            ["pump s"] = pumpSeconds,
            ["reader s"] = clock.Elapsed.TotalSeconds,
            ["behind at burst end"] = behindAtBurstEnd,
            ["gateway heap MB at burst end"] = atBurstEnd.HeapBytes / 1e6,
            ["gateway heap MB before"] = before.HeapBytes / 1e6,
            ["gateway heap MB after"] = after.HeapBytes / 1e6,
            [ScenarioReport.LoadAverage] = load,
        };
    }
}

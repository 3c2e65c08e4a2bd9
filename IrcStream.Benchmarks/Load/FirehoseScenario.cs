using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Firehose: one session, one reader (SSE or long-poll), and the pump writing N tagged PRIVMSGs to its IRC
/// connection as fast as loopback takes them. The clock runs from the first line written to the reader
/// receiving the last one; the gateway's CPU time and allocations over that span are its own (it runs in its
/// own process). The event log is sized to hold the whole run, so a slow reader is measured, not dropped.
/// </summary>
public static class FirehoseScenario
{
    public const string Name = "firehose";

    public static string Description(Transport transport) =>
        $"pump -> 1 gateway IRC connection -> 1 {Label(transport)} reader, tagged PRIVMSG as fast as the socket takes it";

    public static string Label(Transport transport) => transport == Transport.Sse ? "SSE" : "long-poll";

    public static string WithArticle(Transport transport) => transport == Transport.Sse ? "an SSE" : "a long-poll";

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, double? baselineRate, CancellationToken cancellationToken)
    {
        var messages = options.FirehoseMessages;
        var line = Encoding.UTF8.GetBytes(BaselineScenario.Line + "\r\n");
        await using var rig = await GatewayRig.StartAsync(messages + 64, cancellationToken, options.Redis, options.ReadOnOwner);
        var runs = new List<ScenarioRun>();
        for (var run = 1 - options.WarmupRuns; run <= options.Runs; run++)
        {
            var result = await RunOnceAsync(rig, transport, line, messages, options.RunTimeout, cancellationToken);
            if (run >= 1) runs.Add(new ScenarioRun(run, result));
        }
        var parameters = new Dictionary<string, string>
        {
            ["messages"] = messages.ToString(CultureInfo.InvariantCulture),
            ["lineBytes"] = line.Length.ToString(CultureInfo.InvariantCulture),
            ["transport"] = Label(transport),
            ["warmup"] = options.WarmupRuns.ToString(CultureInfo.InvariantCulture),
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}{(options.ReadOnOwner ? "-redis-owner" : options.Redis ? "-redis" : "")}", Description(transport), parameters, runs, baselineRate);
    }

    private static async Task<Dictionary<string, double>> RunOnceAsync(
        GatewayRig rig, Transport transport, byte[] line, int messages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        long end = long.MaxValue, delivered = 0, dropped = 0;
        var open = await rig.OpenAsync(transport, e =>
        {
            if (e.Kind == EventKind.Message) delivered++;
            else if (e.Kind == EventKind.Gap) dropped += e.GapTo - e.GapFrom + 1;
            return e.Seq < Volatile.Read(ref end);
        }, limit.Token);
        Volatile.Write(ref end, open.RegisteredSeq + messages);

        var load = ScenarioReport.ReadLoadAverage();
        var before = await rig.Gateway.MeasureAsync(collect: false, limit.Token);
        var harnessBefore = FanInScenario.HarnessCpuSeconds();
        var clock = Stopwatch.StartNew();
        try
        {
            await open.Pump.PumpAsync(line, messages, limit.Token);
            if (!await open.Reading.WaitAsync(limit.Token))
                throw new InvalidOperationException($"The {FirehoseScenario.Label(transport)} stream ended after {delivered} of {messages} lines.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"A firehose run did not finish within {timeout.TotalSeconds:0} s ({delivered} of {messages} lines arrived); lower --firehose-messages or raise --timeout.");
        }
        clock.Stop();
        var harnessCpu = FanInScenario.HarnessCpuSeconds() - harnessBefore;
        var after = await rig.Gateway.MeasureAsync(collect: false, cancellationToken);
        await rig.CloseAsync(open, cancellationToken);

        var cpu = after.CpuSeconds - before.CpuSeconds;
        return new Dictionary<string, double>
        {
            [ScenarioReport.Rate] = delivered / clock.Elapsed.TotalSeconds,
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["dropped"] = dropped,
            ["gateway CPU s/100k"] = cpu / Math.Max(1, delivered) * 100_000,
            ["gateway CPU %"] = cpu / clock.Elapsed.TotalSeconds * 100,
            ["harness CPU %"] = harnessCpu / clock.Elapsed.TotalSeconds * 100,
            ["gateway alloc B/msg"] = (double)(after.AllocatedBytes - before.AllocatedBytes) / Math.Max(1, delivered),
            ["gateway gen0 GCs"] = after.Gen0 - before.Gen0,
            ["gateway gen2 GCs"] = after.Gen2 - before.Gen2,
            [ScenarioReport.LoadAverage] = load,
        };
    }
}

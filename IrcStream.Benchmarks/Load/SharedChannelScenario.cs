using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Shared channel: K sessions in one channel. Each session receives what a server sends it as the channel
/// fills up in the order the sessions joined: its own JOIN, the NAMES of the members before it, the JOIN of
/// every session after it, then the channel's traffic (N tagged PRIVMSGs from members, the same for all). The
/// pump writes each session's share in one go once all are open (the end state is the same as joining one by
/// one), waits until every reader has it, and samples the heap after a full, compacting GC.
/// </summary>
public static class SharedChannelScenario
{
    public const string Name = "shared";

    private const string Channel = "#shared";
    private const int Retention = 1000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var sessions = options.DensitySessions;
        var traffic = options.SharedTraffic;
        var runs = new List<ScenarioRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var rig = await GatewayRig.StartAsync(Retention, cancellationToken);
            var (opened, delivered, start, before, idle, load) = await rig.OpenIdleSessionsAsync(sessions, transport, Settle, cancellationToken);

            var nicks = opened.Select(o => o.Session.Nick).ToArray();
            var chat = Chat(nicks, traffic);
            long expected = 0, retained = 0;
            await Parallel.ForAsync(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (j, ct) =>
            {
                var (bytes, lines) = Share(nicks, j, chat);
                Interlocked.Add(ref expected, lines);
                Interlocked.Add(ref retained, Math.Min(lines, Retention));
                await opened[j].Pump.SendAsync(bytes, ct);
            });
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(options.RunTimeout);
                while (delivered.Value < expected) await Task.Delay(100, limit.Token);
            }
            await Task.Delay(Settle, cancellationToken);
            var full = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}", cancellationToken);
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["heap B/session"] = (double)(full.HeapBytes - before.HeapBytes) / sessions,
                ["RSS B/session"] = (double)(full.WorkingSetBytes - before.WorkingSetBytes) / sessions,
                ["heap B/session idle, before the channel"] = (double)(idle.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/retained event"] = (double)(full.HeapBytes - idle.HeapBytes) / retained,
                ["events/session received"] = (double)expected / sessions,
                ["events/session retained"] = (double)retained / sessions,
                ["gateway RSS MB at start"] = start.WorkingSetBytes / 1e6,
                ["gateway RSS MB"] = full.WorkingSetBytes / 1e6,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["channel lines"] = traffic.ToString(CultureInfo.InvariantCulture),
            ["transport"] = FirehoseScenario.Label(transport),
            ["gc"] = HarnessGateway.Gc,
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}",
            $"{sessions} sessions in one channel: every later JOIN, the NAMES so far and {traffic} channel lines each; heap and RSS per session",
            parameters, runs, baselineRate: null);
    }

    /// <summary>The channel's traffic: tagged PRIVMSGs from its members in turn.</summary>
    private static string Chat(string[] nicks, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var from = nicks[i % nicks.Length];
            text.Append(CultureInfo.InvariantCulture,
                $"@time=2026-12-04T09:00:00.123Z;msgid=Ab3dEf0123456789{i:x6};account={from} :{from}!~{from}@user/{from} PRIVMSG {Channel} :a typical line of chat, about sixty characters long, no. {i}\r\n");
        }
        return text.ToString();
    }

    /// <summary>What the server sends session <paramref name="j"/> (in joining order), and how many lines that is.</summary>
    private static (byte[] Bytes, int Lines) Share(string[] nicks, int j, string chat)
    {
        const string server = IrcPumpServer.ServerName;
        var me = nicks[j];
        var text = new StringBuilder();
        var lines = 0;
        text.Append(CultureInfo.InvariantCulture, $":{me}!~{me}@user/{me} JOIN {Channel}\r\n");
        lines++;
        var names = new StringBuilder();
        for (var i = 0; i <= j; i++)
        {
            if (names.Length > 0 && names.Length + nicks[i].Length > 400)
            {
                text.Append(CultureInfo.InvariantCulture, $":{server} 353 {me} = {Channel} :{names}\r\n");
                lines++;
                names.Clear();
            }
            if (names.Length > 0) names.Append(' ');
            names.Append(nicks[i]);
        }
        text.Append(CultureInfo.InvariantCulture, $":{server} 353 {me} = {Channel} :{names}\r\n:{server} 366 {me} {Channel} :End of /NAMES list.\r\n");
        lines += 2;
        for (var i = j + 1; i < nicks.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $":{nicks[i]}!~{nicks[i]}@user/{nicks[i]} JOIN {Channel}\r\n");
            lines++;
        }
        text.Append(chat);
        lines += chat.Count(c => c == '\n');
        return (Encoding.UTF8.GetBytes(text.ToString()), lines);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// What DNSBL adds to session creation (issue 20's aim: ≤ 2 ms at p99 with a warm cache, at most the configured wait
/// with a DNS server that never answers). Three gateway children on one pump: without DNSBL; with a deny and a verify
/// zone asked of a DNS server on loopback (the client's address is not listed, so both answer "not listed", cached for
/// the zone's negative TTL after the first session); and with the same zones asked of a server that never answers.
/// One client creates sessions one at a time (<c>POST /api/connections</c> without a cookie: a new session and its first
/// connection, which is when the lists are asked), in turn on the first two gateways, and deletes each connection
/// again; the third gets fewer, since each waits the whole configured wait.
/// </summary>
public static class DnsblScenario
{
    public const string Name = "dnsbl";
    public const int RequestsPerRun = 2000;
    public const int SilentRequests = 100;
    private const int WarmupRequests = 300;

    /// <summary>The silent gateway's <c>Dnsbl:Timeout</c>: the most a session's first connection may wait for the lists.</summary>
    public static readonly TimeSpan SilentWait = TimeSpan.FromMilliseconds(500);

    public static async Task<string> RunAsync(LoadOptions options, string jsonPath, CancellationToken cancellationToken)
    {
        await using var pump = IrcPumpServer.Start();
        await using var dns = LoopbackDnsServer.Start();
        await using var silent = LoopbackDnsServer.StartSilent();
        await using var plain = await HarnessGateway.StartAsync(HarnessGateway.HarnessSettings(1000), cancellationToken);
        await using var warm = await HarnessGateway.StartAsync(WithDnsbl(dns, TimeSpan.FromSeconds(1)), cancellationToken);
        await using var dead = await HarnessGateway.StartAsync(WithDnsbl(silent, SilentWait), cancellationToken);
        using var toPlain = new GatewayClient(plain.BaseAddress);
        using var toWarm = new GatewayClient(warm.BaseAddress);
        using var toDead = new GatewayClient(dead.BaseAddress);

        for (var i = 0; i < WarmupRequests; i++)
        {
            await CreateAsync(toPlain, pump, cancellationToken);
            await CreateAsync(toWarm, pump, cancellationToken);
        }
        var asked = dns.Queries.Count;
        var runs = new List<(double[] Plain, double[] Warm)>();
        for (var run = 0; run < options.Runs; run++)
        {
            var without = new double[RequestsPerRun];
            var with = new double[RequestsPerRun];
            for (var i = 0; i < RequestsPerRun; i++)
            {
                without[i] = await CreateAsync(toPlain, pump, cancellationToken);
                with[i] = await CreateAsync(toWarm, pump, cancellationToken);
            }
            Array.Sort(without);
            Array.Sort(with);
            runs.Add((without, with));
        }
        var askedWhileMeasuring = dns.Queries.Count - asked;
        var unanswered = new double[SilentRequests];
        for (var i = 0; i < SilentRequests; i++) unanswered[i] = await CreateAsync(toDead, pump, cancellationToken);
        Array.Sort(unanswered);

        static double P(double[] sorted, double percent) => Percentiles.Of(sorted, percent);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"dnsbl: {RequestsPerRun} session creations without DNSBL and {RequestsPerRun} with a warm DNSBL cache per run, in turn, one at a time (ms); DNS queries while measuring: {askedWhileMeasuring}");
        table.AppendLine("run | none p50 | none p99 | none p99.9 | warm p50 | warm p99 | warm p99.9 | added p50 | added p99");
        var rows = new List<object>();
        for (var run = 0; run < runs.Count; run++)
        {
            var (without, with) = runs[run];
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{run + 1} | {P(without, 50):0.000} | {P(without, 99):0.000} | {P(without, 99.9):0.000} | {P(with, 50):0.000} | {P(with, 99):0.000} | {P(with, 99.9):0.000} | {P(with, 50) - P(without, 50):0.000} | {P(with, 99) - P(without, 99):0.000}");
            rows.Add(new
            {
                run = run + 1,
                noneP50 = P(without, 50), noneP99 = P(without, 99), noneP999 = P(without, 99.9),
                warmP50 = P(with, 50), warmP99 = P(with, 99), warmP999 = P(with, 99.9),
            });
        }
        table.AppendLine(CultureInfo.InvariantCulture,
            $"DNS server that never answers (Dnsbl:Timeout {SilentWait.TotalMilliseconds:0} ms), {SilentRequests} session creations: p50 {P(unanswered, 50):0.000} | p99 {P(unanswered, 99):0.000} | max {unanswered[^1]:0.000} | min {unanswered[0]:0.000}");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new
        {
            scenario = Name,
            requestsPerRun = RequestsPerRun,
            dnsQueriesWhileMeasuring = askedWhileMeasuring,
            runs = rows,
            silent = new { waitMs = SilentWait.TotalMilliseconds, requests = SilentRequests, p50 = P(unanswered, 50), p99 = P(unanswered, 99), max = unanswered[^1], min = unanswered[0] },
        }), cancellationToken);
        return table.ToString();
    }

    /// <summary>The harness settings with a deny and a verify zone asked of <paramref name="dns"/>, waiting at most <paramref name="wait"/>.</summary>
    private static Dictionary<string, string?> WithDnsbl(LoopbackDnsServer dns, TimeSpan wait)
    {
        var settings = HarnessGateway.HarnessSettings(1000);
        settings["IrcStream:Dnsbl:Deny:0"] = "deny.bench";
        settings["IrcStream:Dnsbl:Verify:0"] = "verify.bench";
        settings["IrcStream:Dnsbl:Servers:0"] = dns.Endpoint;
        settings["IrcStream:Dnsbl:Timeout"] = wait.ToString("c", CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Times one session creation, then deletes its connection (not timed).</summary>
    private static async Task<double> CreateAsync(GatewayClient client, IrcPumpServer pump, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var session = await client.ConnectAsync(pump.Server, "dnsbl", cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await client.DeleteAsync(session, cancellationToken);
        return elapsed;
    }
}

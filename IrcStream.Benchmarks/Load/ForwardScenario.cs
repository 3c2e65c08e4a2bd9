using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Redis mode's forwarding cost: two gateway nodes (child processes) sharing a real redis-server, one IRC connection
/// held by node A on the pump, and one client sending <c>POST /lines</c> (one line each) one after another, in turn to
/// node A (the owner answers) and to node B (which forwards to A over HTTP). What forwarding adds is the difference of
/// the two latency distributions.
/// </summary>
public static class ForwardScenario
{
    public const string Name = "forward";
    public const int RequestsPerRun = 5000;
    private const int WarmupRequests = 1000;

    public static async Task<string> RunAsync(LoadOptions options, string jsonPath, CancellationToken cancellationToken)
    {
        await using var redis = await RedisProcess.StartAsync(cancellationToken);
        await using var pump = IrcPumpServer.Start();
        var settings = HarnessGateway.HarnessSettings(1000);
        settings["IrcStream:Redis:Configuration"] = redis.Configuration;
        // Lines go out as fast as they are posted: the measurement is the HTTP path, not flood control.
        settings["IrcStream:Flood:Interval"] = "00:00:00";
        await using var owner = await HarnessGateway.StartAsync(settings, cancellationToken);
        await using var other = await HarnessGateway.StartAsync(settings, cancellationToken);
        using var toOwner = new GatewayClient(owner.BaseAddress);
        using var toOther = new GatewayClient(other.BaseAddress);
        var session = await toOwner.ConnectAsync(pump.Server, "forward", cancellationToken);
        await pump.WaitForClientAsync("forward", cancellationToken);
        await WaitUntilOpenAsync(toOwner, session, cancellationToken);

        for (var i = 0; i < WarmupRequests; i++)
        {
            await SendAsync(toOwner, session, cancellationToken);
            await SendAsync(toOther, session, cancellationToken);
        }
        var runs = new List<(double[] Direct, double[] Forwarded)>();
        for (var run = 0; run < options.Runs; run++)
        {
            var direct = new double[RequestsPerRun];
            var forwarded = new double[RequestsPerRun];
            for (var i = 0; i < RequestsPerRun; i++)
            {
                direct[i] = await SendAsync(toOwner, session, cancellationToken);
                forwarded[i] = await SendAsync(toOther, session, cancellationToken);
            }
            Array.Sort(direct);
            Array.Sort(forwarded);
            runs.Add((direct, forwarded));
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"forward: {RequestsPerRun} POST /lines to the owner and {RequestsPerRun} through the other node per run, in turn, one at a time (ms)");
        table.AppendLine("run | owner p50 | owner p99 | owner p99.9 | forwarded p50 | forwarded p99 | forwarded p99.9 | added p50 | added p99");
        var rows = new List<object>();
        for (var run = 0; run < runs.Count; run++)
        {
            var (direct, forwarded) = runs[run];
            double P(double[] sorted, double percent) => Percentiles.Of(sorted, percent);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{run + 1} | {P(direct, 50):0.000} | {P(direct, 99):0.000} | {P(direct, 99.9):0.000} | {P(forwarded, 50):0.000} | {P(forwarded, 99):0.000} | {P(forwarded, 99.9):0.000} | {P(forwarded, 50) - P(direct, 50):0.000} | {P(forwarded, 99) - P(direct, 99):0.000}");
            rows.Add(new
            {
                run = run + 1,
                ownerP50 = P(direct, 50), ownerP99 = P(direct, 99), ownerP999 = P(direct, 99.9),
                forwardedP50 = P(forwarded, 50), forwardedP99 = P(forwarded, 99), forwardedP999 = P(forwarded, 99.9),
            });
        }
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new { scenario = Name, requestsPerRun = RequestsPerRun, runs = rows }), cancellationToken);
        return table.ToString();
    }

    /// <summary>Waits until the connection takes lines (registered on the pump): a 409 before that is not what is measured.</summary>
    private static async Task WaitUntilOpenAsync(GatewayClient client, LoadSession session, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await client.SendLinesAsync(session, [$"PRIVMSG {session.Nick} :warm"], cancellationToken) != HttpStatusCode.Accepted)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The forward scenario's connection did not open within 30 s.");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<double> SendAsync(GatewayClient client, LoadSession session, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var status = await client.SendLinesAsync(session, [$"PRIVMSG #forward :{start}"], cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (status != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST /lines answered {(int)status}, not 202.");
        return elapsed;
    }
}

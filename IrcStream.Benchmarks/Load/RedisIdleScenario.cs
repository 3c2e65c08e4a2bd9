using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Redis mode's standing cost: K idle IRC connections spread over N gateway nodes (child processes) sharing a real
/// redis-server, and nothing else happening. What the nodes send Redis meanwhile (lease renewals, session keep-alive,
/// the takeover scan) is read from the server's own counters, <c>INFO commandstats</c> and <c>INFO cpu</c>, before and
/// after each run: commands per second by name (commands that scripts call are counted under their own names, as
/// Redis counts them) and the server's CPU.
/// </summary>
public static class RedisIdleScenario
{
    public const string Name = "redis-idle";
    private const int OpenConcurrency = 32;

    /// <summary>Time for every node to have renewed and scanned a few times before the first run counts.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<string> RunAsync(LoadOptions options, string jsonPath, CancellationToken cancellationToken)
    {
        await using var redisServer = await RedisProcess.StartAsync(cancellationToken);
        await using var pump = IrcPumpServer.Start();
        var settings = HarnessGateway.HarnessSettings(1000);
        settings["IrcStream:Redis:Configuration"] = redisServer.Configuration;
        var nodes = new List<HarnessGateway>();
        var clients = new List<GatewayClient>();
        try
        {
            for (var n = 0; n < options.Nodes; n++)
            {
                var node = await HarnessGateway.StartAsync(settings, cancellationToken);
                nodes.Add(node);
                clients.Add(new GatewayClient(node.BaseAddress));
            }
            // Spread over the nodes as a load balancer would: each owns K / N of the connections.
            await Parallel.ForAsync(0, options.Sessions, new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var nick = $"idle{i}";
                    await clients[i % clients.Count].ConnectAsync(pump.Server, nick, ct);
                    await pump.WaitForClientAsync(nick, ct);
                });
            await Task.Delay(Settle, cancellationToken);

            var configuration = ConfigurationOptions.Parse(redisServer.Configuration);
            configuration.AllowAdmin = true;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{Name}: {options.Sessions} idle connections on {options.Nodes} nodes, {options.Duration} s per run: Redis commands/s (INFO commandstats) and redis-server CPU");
            var runs = new List<object>();
            for (var run = 1; run <= options.Runs; run++)
            {
                var before = await SnapshotAsync(server);
                await Task.Delay(TimeSpan.FromSeconds(options.Duration), cancellationToken);
                var after = await SnapshotAsync(server);
                var seconds = (after.At - before.At).TotalSeconds;
                var perCommand = after.Calls.Keys
                    .Select(name => (Name: name, PerSecond: (after.Calls[name] - before.Calls.GetValueOrDefault(name)) / seconds))
                    .Where(c => c.PerSecond > 0)
                    .OrderByDescending(c => c.PerSecond)
                    .ToArray();
                var total = perCommand.Sum(c => c.PerSecond);
                var cpu = (after.CpuSeconds - before.CpuSeconds) / seconds * 100;
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"run {run}: {total:0} commands/s, redis-server CPU {cpu:0.0} %: {string.Join(", ", perCommand.Select(c => $"{c.Name} {c.PerSecond:0}"))}");
                runs.Add(new { run, commandsPerSecond = total, redisCpuPercent = cpu, perCommand = perCommand.ToDictionary(c => c.Name, c => c.PerSecond) });
            }
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new { scenario = Name, sessions = options.Sessions, nodes = options.Nodes, seconds = options.Duration, runs }), cancellationToken);
            return table.ToString();
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    private sealed record Snapshot(DateTime At, Dictionary<string, long> Calls, double CpuSeconds);

    /// <summary>The server's command counters (<c>cmdstat_get:calls=12,usec=…</c>) and CPU seconds (user + system) now.</summary>
    private static async Task<Snapshot> SnapshotAsync(IServer server)
    {
        var at = DateTime.UtcNow;
        var commands = await server.InfoRawAsync("commandstats") ?? "";
        var cpu = await server.InfoRawAsync("cpu") ?? "";
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in commands.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal)) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = line[(colon + 1)..].Split(',').First(f => f.StartsWith("calls=", StringComparison.Ordinal));
            calls[line["cmdstat_".Length..colon]] = long.Parse(field["calls=".Length..], CultureInfo.InvariantCulture);
        }
        double Cpu(string name) => cpu.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return new Snapshot(at, calls, Cpu("used_cpu_user") + Cpu("used_cpu_sys"));
    }
}

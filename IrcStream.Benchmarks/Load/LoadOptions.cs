using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>The command line of <c>load</c> mode, bounded so that a run always ends.</summary>
public sealed record LoadOptions(
    int Messages,
    int Runs,
    int WarmupRuns,
    TimeSpan RunTimeout,
    string JsonPath,
    IReadOnlyList<string> Scenarios,
    IReadOnlyList<Transport> Transports,
    int FirehoseMessages,
    int Sessions,
    int DensitySessions,
    int Duration,
    int BurstMessages,
    int BurstRate,
    string BusyTraffic,
    int SharedTraffic = 100,
    string? HeapDumps = null,
    string Gc = HarnessGateway.DeployedGc,
    bool Redis = false,
    int Nodes = 3,
    bool ReadOnOwner = false)
{
    public const int MaxMessages = 100_000_000;
    public const int MaxRuns = 100;
    public const int MaxSessions = 100_000;
    public const int MaxDuration = 600;

    /// <summary>Every scenario, in the order <c>--scenario all</c> runs them.</summary>
    public static readonly IReadOnlyList<string> AllScenarios =
        [BaselineScenario.Name, FirehoseScenario.Name, SlowReaderScenario.Name, FanInScenario.Name, DensityScenario.Name, BusyScenario.Name, WelcomeScenario.Name, SharedChannelScenario.Name, InspircdWelcomeScenario.Name, ForwardScenario.Name, RedisIdleScenario.Name, DnsblScenario.Name, AdminScenario.Name];

    public static LoadOptions Default { get; } = new(
        Messages: 1_000_000,
        Runs: 5,
        WarmupRuns: 1,
        RunTimeout: TimeSpan.FromSeconds(60),
        JsonPath: Path.Combine("BenchmarkDotNet.Artifacts", "load", "baseline.json"),
        Scenarios: [BaselineScenario.Name],
        Transports: [Transport.Sse, Transport.Poll],
        FirehoseMessages: 200_000,
        Sessions: 1000,
        DensitySessions: 1000,
        Duration: 10,
        BurstMessages: 20_000,
        BurstRate: 20_000,
        BusyTraffic: "mix");

    public const string Usage = """
        dotnet run -c Release --project IrcStream.Benchmarks -- load [options]

        Scenarios (issue #7); all traffic stays on 127.0.0.1, the gateway runs in a child process on Kestrel:
          baseline   an in-process IRC line pump writes N tagged PRIVMSGs to a plain TCP client that frames and
                     parses them: the ceiling for what the gateway adds
          firehose   pump -> gateway -> one reader: messages/s end to end, gateway CPU and allocations per message
          slowreader the gateway with its shipped retention; the pump sends a burst of N tagged PRIVMSGs at R
                     lines/s to one connection whose reader handles R/2 events/s: events lost (gaps), how far
                     behind the reader falls, the gateway's heap meanwhile
          fanin      K sessions, 1 line/s each: send-to-receive latency p50/p99/p99.9, gateway CPU
          density    K idle sessions: gateway heap, RSS and open files per session
          busy       K sessions (--density-sessions) whose logs the pump fills to the shipped retention (1,000
                     events) with channel traffic, then idle: heap per session and per retained event
          welcome    K sessions (--density-sessions, opened in two halves), each sent what a real network sends
                     after 001 (002-004, three 005 lines, a 40-line MOTD, one JOIN with topic and the NAMES of a
                     500-member channel), then idle: heap and RSS per session, total and marginal; then the
                     streams are closed (sessions and IRC connections stay, as when the tabs close) and a third
                     half opened and its streams closed: heap per session without an open stream
          shared     K sessions (--density-sessions) in one channel: each gets its own JOIN, the NAMES so far,
                     every later session's JOIN and the channel's lines (--shared-traffic): heap and RSS per session
          inspircd   K sessions (--density-sessions, two halves) on a real InspIRCd (/usr/sbin/inspircd, started
                     on a free loopback port; no MOTD), each joining its own channel, then idle: heap and RSS per
                     session, total and marginal
          forward    Redis mode, two nodes and a redis-server: POST /lines latency at the connection's owner and
                     through the other node, which forwards it (what forwarding adds at p50/p99)
          redis-idle Redis mode, K idle connections (--sessions) spread over N nodes (--nodes) and a redis-server:
                     Redis commands/s by name (INFO commandstats) and redis-server CPU over --duration seconds
          dnsbl      session creation (POST /api/connections, a new session's first connection) one at a time without
                     DNSBL, with a warm DNSBL cache (a loopback DNS server), and with a DNS server that never answers
                     (Dnsbl:Timeout 500 ms): latency p50/p99, what DNSBL adds
          admin      Redis mode, two nodes and a redis-server: an operator's close, ban, and ban with closeConnections
                     asked of node B until they hold on node A (the aim: within 1 s), p50/p99/max

          --scenario LIST      comma-separated scenarios, or all (default baseline)
          --transport T        sse, poll or both: the readers of firehose, fanin and density (default both)
          --messages N         baseline lines per run (default 1000000, at most 100000000)
          --firehose-messages N  firehose lines per run (default 200000, at most 100000000)
          --sessions K         fanin sessions (default 1000, at most 100000)
          --density-sessions K density sessions (default 1000, at most 100000)
          --duration S         fanin seconds per run (default 10, at most 600)
          --busy-traffic T     busy lines: mix (PRIVMSG, JOIN, PART, QUIT, MODE), privmsg or join (default mix)
          --shared-traffic N   shared: channel PRIVMSGs every session receives (default 100, at most 100000)
          --gc MODE            the gateway's GC: server (as shipped: server GC with DATAS), server-nodatas,
                               server-conserve (GCConserveMemory=5), workstation (concurrent),
                               workstation-nonconcurrent (default server)
          --gcdump DIR         welcome, shared, inspircd, busy: heap snapshots of the gateway (dotnet-gcdump, a dotnet
                               tool) at start, with bare sessions, with streams closed, busy idle and full, and at the end of each run,
                               written to DIR
          --burst N            slowreader lines per run (default 20000, at most 100000000)
          --burst-rate R       slowreader pump lines/s; the reader handles half (default 20000, at most 10000000)
          --nodes N            redis-idle: gateway nodes sharing the redis-server (default 3, 1 to 8)
          --runs N             measured runs of each scenario (default 5, at most 100)
          --warmup N           unmeasured runs first (default 1)
          --timeout S          seconds one run may take before the harness gives up (default 60)
          --redis              Redis mode (firehose, fanin): a redis-server and two gateway nodes; sessions are
                               opened on the first (it owns the IRC connections) and read on the second, from Redis.
                               Results are named <scenario>-<transport>-redis.json
          --read-on-owner      Redis mode with the reader on the first node, which owns the connections and serves
                               them from its memory. Results are named <scenario>-<transport>-redis-owner.json
          --json PATH          baseline results (default BenchmarkDotNet.Artifacts/load/baseline.json); the
                               other scenarios write <scenario>-<transport>.json next to it

        Each session holds 4 open files in this machine's processes (2 in the gateway, 2 on the client side):
        raise the limit for thousands of sessions, e.g. ulimit -n 65536 before dotnet run.
        """;

    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or is out of range; the message says which.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--redis")
            {
                options = options with { Redis = true };
                continue;
            }
            if (name == "--read-on-owner")
            {
                options = options with { Redis = true, ReadOnOwner = true };
                continue;
            }
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.\n\n{Usage}");
            var value = args[++i];
            options = name switch
            {
                "--messages" => options with { Messages = Int(name, value, 1, MaxMessages) },
                "--runs" => options with { Runs = Int(name, value, 1, MaxRuns) },
                "--warmup" => options with { WarmupRuns = Int(name, value, 0, MaxRuns) },
                "--timeout" => options with { RunTimeout = TimeSpan.FromSeconds(Int(name, value, 1, 3600)) },
                "--json" => options with { JsonPath = value },
                "--scenario" => options with { Scenarios = ScenarioList(value) },
                "--transport" => options with { Transports = TransportList(value) },
                "--firehose-messages" => options with { FirehoseMessages = Int(name, value, 1, MaxMessages) },
                "--sessions" => options with { Sessions = Int(name, value, 1, MaxSessions) },
                "--density-sessions" => options with { DensitySessions = Int(name, value, 1, MaxSessions) },
                "--duration" => options with { Duration = Int(name, value, 1, MaxDuration) },
                "--busy-traffic" => options with { BusyTraffic = BusyScenario.Kinds.Contains(value) ? value : throw new ArgumentException($"--busy-traffic takes {string.Join(", ", BusyScenario.Kinds)}, not '{value}'.") },
                "--shared-traffic" => options with { SharedTraffic = Int(name, value, 0, 100_000) },
                "--gc" => options with { Gc = HarnessGateway.GcModes.ContainsKey(value) ? value : throw new ArgumentException($"--gc takes {string.Join(", ", HarnessGateway.GcModes.Keys)}, not '{value}'.") },
                "--gcdump" => options with { HeapDumps = value },
                "--burst" => options with { BurstMessages = Int(name, value, 1, MaxMessages) },
                "--nodes" => options with { Nodes = Int(name, value, 1, 8) },
                "--burst-rate" => options with { BurstRate = Int(name, value, 2, 10_000_000) },
                _ => throw new ArgumentException($"Unknown option {name}.\n\n{Usage}"),
            };
        }
        return options;
    }

    private static IReadOnlyList<string> ScenarioList(string value)
    {
        if (value == "all") return AllScenarios;
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Any(n => !AllScenarios.Contains(n)))
            throw new ArgumentException($"--scenario takes all or a comma-separated list of {string.Join(", ", AllScenarios)}, not '{value}'.");
        // Run them in the canonical order, so the baseline (the ratio's denominator) always comes first.
        return AllScenarios.Where(names.Contains).ToArray();
    }

    private static IReadOnlyList<Transport> TransportList(string value) => value switch
    {
        "sse" => [Transport.Sse],
        "poll" => [Transport.Poll],
        "both" => [Transport.Sse, Transport.Poll],
        _ => throw new ArgumentException($"--transport takes sse, poll or both, not '{value}'."),
    };

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}

using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>The command line of <c>load</c> mode, bounded so that a run always ends.</summary>
public sealed record LoadOptions(int Messages, int Runs, int WarmupRuns, TimeSpan RunTimeout, string JsonPath)
{
    public const int MaxMessages = 100_000_000;
    public const int MaxRuns = 100;

    public static LoadOptions Default { get; } = new(
        Messages: 1_000_000,
        Runs: 5,
        WarmupRuns: 1,
        RunTimeout: TimeSpan.FromSeconds(60),
        JsonPath: Path.Combine("BenchmarkDotNet.Artifacts", "load", "baseline.json"));

    public const string Usage = """
        dotnet run -c Release --project IrcStream.Benchmarks -- load [options]

        Baseline scenario: an in-process IRC line pump on 127.0.0.1 writes N tagged PRIVMSG lines as fast as
        it can to a plain TCP client that frames and parses them; reports messages/s over several runs.

          --messages N     lines per run (default 1000000, at most 100000000)
          --runs N         measured runs (default 5, at most 100)
          --warmup N       unmeasured runs first (default 1)
          --timeout S      seconds one run may take before the harness gives up (default 60)
          --json PATH      where to write the results (default BenchmarkDotNet.Artifacts/load/baseline.json)
        """;

    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or is out of range; the message says which.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.\n\n{Usage}");
            var value = args[++i];
            options = name switch
            {
                "--messages" => options with { Messages = Int(name, value, 1, MaxMessages) },
                "--runs" => options with { Runs = Int(name, value, 1, MaxRuns) },
                "--warmup" => options with { WarmupRuns = Int(name, value, 0, MaxRuns) },
                "--timeout" => options with { RunTimeout = TimeSpan.FromSeconds(Int(name, value, 1, 3600)) },
                "--json" => options with { JsonPath = value },
                _ => throw new ArgumentException($"Unknown option {name}.\n\n{Usage}"),
            };
        }
        return options;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}

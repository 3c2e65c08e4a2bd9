using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IrcStream.Benchmarks.Load;

/// <summary>One measured run of a gateway scenario: named figures (messages/s, p99 ms, bytes per session ...).</summary>
public sealed record ScenarioRun(int Run, IReadOnlyDictionary<string, double> Metrics);

/// <summary>The min, median and max of one figure over the runs, and for a rate its ratio to the baseline's median.</summary>
public sealed record MetricSpread(string Metric, double Min, double Median, double Max, double? MedianToBaseline);

/// <summary>A gateway scenario's runs and their spread, as printed and as written to JSON.</summary>
public sealed record ScenarioReport(
    string Scenario,
    string Description,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<ScenarioRun> Runs,
    IReadOnlyList<MetricSpread> Spread,
    string Machine,
    DateTimeOffset Finished)
{
    /// <summary>The figure that is compared with the baseline's messages/s.</summary>
    public const string Rate = "messages/s";

    /// <summary>The 1-minute load average, recorded with every run: the machine is shared.</summary>
    public const string LoadAverage = "load avg";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static ScenarioReport From(string scenario, string description, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<ScenarioRun> runs, double? baselineRate)
    {
        if (runs.Count == 0) throw new ArgumentException("A report needs at least one run.", nameof(runs));
        var names = runs.SelectMany(r => r.Metrics.Keys).Distinct().ToArray();
        var spread = names.Select(name =>
        {
            var values = runs.Where(r => r.Metrics.ContainsKey(name)).Select(r => r.Metrics[name]).Order().ToArray();
            var median = Percentiles.Median(values);
            return new MetricSpread(name, values[0], median, values[^1], name == Rate && baselineRate is > 0 ? median / baselineRate : null);
        }).ToArray();
        return new ScenarioReport(scenario, description, parameters, runs, spread,
            $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}", DateTimeOffset.UtcNow);
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or NaN where there is none.</summary>
    public static double ReadLoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return double.NaN;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Scenario: {Scenario}: {Description}");
        text.AppendLine(c, $"Settings: {string.Join(", ", Parameters.Select(p => $"{p.Key}={p.Value}"))}");
        text.AppendLine(c, $"Machine:  {Machine}");
        text.AppendLine();
        var names = Spread.Select(s => s.Metric).ToArray();
        text.AppendLine(c, $"| run | {string.Join(" | ", names)} |");
        text.AppendLine(c, $"| ---: |{string.Concat(names.Select(_ => " ---: |"))}");
        foreach (var run in Runs)
        {
            text.AppendLine(c, $"| {run.Run} | {string.Join(" | ", names.Select(n => run.Metrics.TryGetValue(n, out var v) ? Format(v) : ""))} |");
        }
        text.AppendLine();
        text.AppendLine(c, $"| {Scenario} | min | median | max | median / baseline |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var s in Spread)
        {
            text.AppendLine(c, $"| {s.Metric} | {Format(s.Min)} | {Format(s.Median)} | {Format(s.Max)} | {(s.MedianToBaseline is { } r ? (r * 100).ToString("0.0", c) + "%" : "")} |");
        }
        return text.ToString();
    }

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 1000 or <= -1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 or <= -10 => value.ToString("N1", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };
}

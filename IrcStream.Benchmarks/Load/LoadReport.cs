using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace IrcStream.Benchmarks.Load;

/// <summary>A scenario's runs and their spread, as printed and as written to JSON.</summary>
public sealed record LoadReport(
    string Scenario,
    string Description,
    string Line,
    int LineBytes,
    int MessagesPerRun,
    int WarmupRuns,
    double MinMessagesPerSecond,
    double MedianMessagesPerSecond,
    double MaxMessagesPerSecond,
    IReadOnlyList<LoadRun> Runs,
    string Machine,
    DateTimeOffset Finished)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.Strict,
        // A results file, not HTML: keep '>' and '+' readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static LoadReport From(string scenario, string description, string line, int messagesPerRun, int warmupRuns, IReadOnlyList<LoadRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("A report needs at least one run.", nameof(runs));
        var rates = runs.Select(r => r.MessagesPerSecond).Order().ToArray();
        var median = rates.Length % 2 == 1 ? rates[rates.Length / 2] : (rates[rates.Length / 2 - 1] + rates[rates.Length / 2]) / 2;
        return new LoadReport(
            scenario, description, line, Encoding.UTF8.GetByteCount(line) + 2, messagesPerRun, warmupRuns,
            rates[0], median, rates[^1], runs,
            $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
            DateTimeOffset.UtcNow);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Scenario: {Scenario}: {Description}");
        text.AppendLine(c, $"Line:     {LineBytes} bytes with CR-LF: {Line}");
        text.AppendLine(c, $"Runs:     {Runs.Count} of {MessagesPerRun:N0} lines each, after {WarmupRuns} warm-up run(s)");
        text.AppendLine(c, $"Machine:  {Machine}");
        text.AppendLine();
        text.AppendLine("| run | messages/s | MB/s | seconds |");
        text.AppendLine("| ---: | ---: | ---: | ---: |");
        foreach (var run in Runs)
        {
            text.AppendLine(c, $"| {run.Run} | {run.MessagesPerSecond:N0} | {run.Bytes / run.Seconds / 1e6:N1} | {run.Seconds:N3} |");
        }
        text.AppendLine();
        text.AppendLine("| messages/s | min | median | max |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        text.AppendLine(c, $"| {Scenario} | {MinMessagesPerSecond:N0} | {MedianMessagesPerSecond:N0} | {MaxMessagesPerSecond:N0} |");
        return text.ToString();
    }
}

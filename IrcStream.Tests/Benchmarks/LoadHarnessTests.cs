using System.Text;
using System.Text.Json;
using IrcStream.Benchmarks.Load;

namespace IrcStream.Tests.Benchmarks;

public sealed class LoadHarnessTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BaselineRunParsesEveryLineThePumpSendsOverLoopback()
    {
        var run = await BaselineScenario.RunOnceAsync(1, 20_000, RunTimeout, TestContext.Current.CancellationToken);

        run.Messages.Should().Be(20_000);
        run.Bytes.Should().Be(20_000L * (Encoding.UTF8.GetByteCount(BaselineScenario.Line) + 2));
        run.Seconds.Should().BePositive();
        run.MessagesPerSecond.Should().BeApproximately(20_000 / run.Seconds, 1e-6);
    }

    [Theory]
    [InlineData(new[] { 4.0, 1.0, 2.0 }, 250_000, 500_000, 1_000_000)]
    [InlineData(new[] { 1.0, 4.0, 2.0, 8.0 }, 125_000, 375_000, 1_000_000)]
    public void ReportSpreadIsMinMedianAndMaxOfTheRuns(double[] seconds, double min, double median, double max)
    {
        var runs = seconds.Select((s, i) => new LoadRun(i + 1, 1_000_000, 174_000_000, s)).ToArray();

        var report = LoadReport.From("baseline", "test", "PING :x", 1_000_000, 0, runs);

        report.MinMessagesPerSecond.Should().Be(min);
        report.MedianMessagesPerSecond.Should().Be(median);
        report.MaxMessagesPerSecond.Should().Be(max);
        report.LineBytes.Should().Be(9);
    }

    [Theory]
    [InlineData("--runs", "0")]
    [InlineData("--runs", "101")]
    [InlineData("--messages", "100000001")]
    [InlineData("--timeout", "soon")]
    [InlineData("--warmup", "-1")]
    public void OptionsOutOfBoundsAreRefusedWithTheirRange(string option, string value)
    {
        var parse = () => LoadOptions.Parse([option, value]);

        parse.Should().Throw<ArgumentException>().WithMessage($"{option} must be a whole number from *");
    }

    [Fact]
    public void UnknownOptionOrMissingValueIsRefusedWithUsage()
    {
        ((Action)(() => LoadOptions.Parse(["--bogus", "1"]))).Should().Throw<ArgumentException>().WithMessage("Unknown option --bogus.*load [options]*");
        ((Action)(() => LoadOptions.Parse(["--runs"]))).Should().Throw<ArgumentException>().WithMessage("--runs needs a value.*");
    }

    [Fact]
    public async Task LoadCommandPrintsTheTableAndWritesJsonWithEveryRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("ircstream-load-").FullName;
        try
        {
            var json = Path.Combine(directory, "nested", "baseline.json");
            var output = new StringWriter();

            var exit = await LoadCommand.RunAsync(["--messages", "5000", "--runs", "3", "--warmup", "0", "--json", json], output, ct);

            exit.Should().Be(0, output.ToString());
            output.ToString().Should().Contain("| messages/s | min | median | max |").And.Contain("| baseline |");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, ct));
            var root = document.RootElement;
            root.GetProperty("scenario").GetString().Should().Be("baseline");
            root.GetProperty("runs").GetArrayLength().Should().Be(3);
            root.GetProperty("runs").EnumerateArray().Should().OnlyContain(r => r.GetProperty("messages").GetInt64() == 5000);
            root.GetProperty("minMessagesPerSecond").GetDouble().Should().BeLessThanOrEqualTo(root.GetProperty("medianMessagesPerSecond").GetDouble());
            root.GetProperty("medianMessagesPerSecond").GetDouble().Should().BeLessThanOrEqualTo(root.GetProperty("maxMessagesPerSecond").GetDouble());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task LoadCommandWithABadOptionExitsWithUsageAndRunsNothing()
    {
        var output = new StringWriter();

        var exit = await LoadCommand.RunAsync(["--runs", "zero"], output, TestContext.Current.CancellationToken);

        exit.Should().Be(2);
        output.ToString().Should().Contain("--runs must be a whole number");
    }
}

using System.Globalization;
using IrcStream.Tests.Cluster.Chaos;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Three real gateway processes, one real redis-server, one InspIRCd, 20 browser sessions each with a connection in a
/// channel, a plain IRC client writing numbered lines into every channel, and readers that follow the load balancer;
/// the checks and figures are <see cref="ChaosCheck"/>'s. The checks themselves are checked on made-up records
/// in <see cref="ChaosCheckTests"/>.
/// </summary>
[Collection("InspIRCd")]
public sealed class ChaosTests(InspircdFixture irc)
{
    /// <summary>
    /// Node failures one after another, SIGKILL and SIGTERM in turn on node 0, 1, 2, 0, ...: four in the suite, and
    /// <c>IRCSTREAM_CHAOS_FAILURES</c> of them for a longer run (docs/BENCHMARKS.md).
    /// </summary>
    [Fact]
    public async Task NodesKilledAndStoppedInTurnLoseNoSessionNoEventAndNoDeliveredLine()
    {
        var failures = int.TryParse(Environment.GetEnvironmentVariable("IRCSTREAM_CHAOS_FAILURES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 4;

        var (check, report) = await ChaosRun.RunAsync(irc.Server, new ChaosOptions { Failures = failures }, TestContext.Current.CancellationToken);

        Publish(report);
        check.Violations.Should().BeEmpty(report);
    }

    /// <summary>The figures go to the test's output and to a file (<c>ircstream-chaos-report.txt</c> in the temp directory), which a longer run prints.</summary>
    internal static void Publish(string report)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "ircstream-chaos-report.txt"), $"{DateTimeOffset.UtcNow:u} {TestContext.Current.Test?.TestDisplayName}{Environment.NewLine}{report}{Environment.NewLine}{Environment.NewLine}");
    }
}

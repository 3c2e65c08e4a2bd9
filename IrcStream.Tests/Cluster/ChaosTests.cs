using IrcStream.Tests.Cluster.Chaos;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Three real gateway processes, one real redis-server, one InspIRCd, 20 browser sessions each with a connection in a
/// channel, a plain IRC client writing numbered lines into every channel, and readers that follow the load balancer;
/// the checks and figures are <see cref="ChaosCheck"/>'s. Until another node takes a failed node's
/// connections over (issue 11), the run has no failures; the checks are checked on made-up records in
/// <see cref="ChaosCheckTests"/>.
/// </summary>
[Collection("InspIRCd")]
public sealed class ChaosTests(InspircdFixture irc)
{
    [Fact]
    public async Task WithoutFailuresEveryReaderMovingBetweenNodesGetsEveryEventOnceAndEveryLineInOrder()
    {
        var (check, report) = await ChaosRun.RunAsync(irc.Server, new ChaosOptions { Failures = 0, WriteFirst = TimeSpan.FromSeconds(6) }, TestContext.Current.CancellationToken);

        Publish(report);
        check.Violations.Should().BeEmpty(report);
    }

    /// <summary>The figures go to the test's output and to a file (<c>ircstream-chaos-report.txt</c> in the temp directory), which a longer run prints.</summary>
    private static void Publish(string report)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "ircstream-chaos-report.txt"), $"{DateTimeOffset.UtcNow:u} {TestContext.Current.Test?.TestDisplayName}{Environment.NewLine}{report}{Environment.NewLine}{Environment.NewLine}");
    }
}

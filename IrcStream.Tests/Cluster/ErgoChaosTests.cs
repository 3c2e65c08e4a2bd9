using System.Globalization;
using IrcStream.Tests.Cluster.Chaos;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// The chaos test against Ergo, whose <c>draft/chathistory</c> fills what no socket received: two real gateway processes,
/// one real redis-server, sessions each with a connection in a channel, a plain IRC client writing a numbered line into
/// every channel every 100 ms, and nodes killed and stopped under it. Nothing is excused here: every line Ergo relayed to
/// a channel since the session's first JOIN, also while no node held a socket, must be in the log once, in order
/// (<see cref="ChaosCheck"/> with history filling).
/// </summary>
[Collection("Ergo")]
public sealed class ErgoChaosTests(ErgoFixture ergo)
{
    /// <summary>One SIGKILL (a takeover after the lease ran out) and one SIGTERM (a handover): the suite's time budget.</summary>
    private const int SuiteFailures = 2;

    /// <summary>
    /// Node failures in turn on node 0 and node 1, SIGKILL and SIGTERM alternately: <see cref="SuiteFailures"/> in the suite,
    /// <c>IRCSTREAM_ERGO_TAKEOVERS</c> of them for the aim (docs/FAILOVER.md has the command and the figures).
    /// </summary>
    [Fact]
    public async Task EveryLineErgoRelayedIsInTheLogOnceInOrderAcrossTakeovers()
    {
        var failures = int.TryParse(Environment.GetEnvironmentVariable("IRCSTREAM_ERGO_TAKEOVERS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : SuiteFailures;
        var options = new ChaosOptions
        {
            Nodes = 2,
            Sessions = 6,
            Failures = failures,
            WritePeriod = TimeSpan.FromMilliseconds(100),
            HistoryFills = true,
        };

        var (check, report) = await ChaosRun.RunAsync(ergo.Server, options, TestContext.Current.CancellationToken);

        ChaosTests.Publish(report);
        check.Violations.Should().BeEmpty(report);
    }
}

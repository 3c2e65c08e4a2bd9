using IrcStream.Tests.Cluster.Faults;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Redis's own bad moments with real processes: a redis-server (or a primary, two replicas and three Sentinels), two
/// gateway processes, an InspIRCd, sessions with numbered lines written by a raw IRC client and readers that follow a
/// load balancer (<see cref="FaultRun"/>), with the chaos test's 3 s lease, so an 8 s pause is well beyond it. Each fault's figures go to the test output and to
/// <c>ircstream-faults-report.txt</c> in the temp directory. The suite runs short faults; <c>IRCSTREAM_FAULTS=long</c>
/// adds a 30 s pause (docs/FAILOVER.md has the figures).
/// </summary>
[Collection("InspIRCd")]
public sealed class RedisFaultTests(InspircdFixture irc)
{
    private static bool Long => Environment.GetEnvironmentVariable("IRCSTREAM_FAULTS") == "long";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisPausedShorterAndLongerThanTheLeaseAndRestartedWithItsDataLosesNoLineAndReconnectsNothing()
    {
        await using var redis = await RedisServer.StartAsync(Token, persistent: true);
        var faults = new List<Fault>
        {
            new("pause 2 s", ct => PauseAsync(redis, TimeSpan.FromSeconds(2), ct), Harmless: true),
            new("pause 8 s", ct => PauseAsync(redis, TimeSpan.FromSeconds(8), ct), Harmless: true),
            new("restart with AOF", ct => redis.RestartAsync(ct), Harmless: true),
        };
        if (Long) faults.Add(new("pause 30 s", ct => PauseAsync(redis, TimeSpan.FromSeconds(30), ct), Harmless: true));

        await RunAsync(redis.Configuration, faults);
    }

    /// <summary>
    /// Redis comes back empty (a restart without persistence, a FLUSHALL): the live nodes put back their sessions,
    /// records, leases and logs from memory, so nothing is reconnected, lost or doubled, and no browser is told its
    /// connection is gone (no 404) while they do.
    /// </summary>
    [Fact]
    public async Task RedisRestartedWithoutItsDataOrFlushedIsPutBackByTheLiveNodesWithoutAReconnect()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var faults = new List<Fault>
        {
            new("restart without data", ct => redis.RestartEmptyAsync(ct), Harmless: true),
            new("flushed", ct => FlushAsync(redis), Harmless: true),
        };

        var figures = await RunAsync(redis.Configuration, faults);
        figures.Where(f => f.Answers.Keys.Any(k => k.EndsWith(" 404", StringComparison.Ordinal))).Should().BeEmpty("a connection being put back is never 'not found'");
    }

    /// <summary>
    /// The primary killed under Sentinel: every owner keeps its IRC sockets, takes its leases back on the new primary
    /// (with the newest seq it gave an event, so an append whose answer the killed primary lost does not count as another
    /// node's writing) and appends what it held or what the new primary lost; no node takes over a connection whose
    /// owner answers that it holds it. So nothing is reconnected, lost or doubled, and the API answers 503 with
    /// Retry-After as problem details while writes fail, never 500. One cause, and only that one, may move connections:
    /// a node whose Redis client finds the new primary a lease later than the other node's is cut off alone by design
    /// (docs/FAILOVER.md) and lets its connections go, which it logs; then the figures must still show no 500, no
    /// doubled line and no 202 lost in silence, and the test says which node was cut off.
    /// </summary>
    [Fact]
    public async Task ASentinelFailoverOfThePrimaryLosesNoLineReconnectsNothingAndAnswers503NotA500()
    {
        await using var sentinels = await RedisSentinels.StartAsync(Token);
        var faults = new List<Fault>
        {
            new("primary killed under Sentinel", async ct =>
            {
                var old = await sentinels.KillPrimaryAsync(ct);
                await sentinels.WaitForNewPrimaryAsync(old, ct);
            }, Harmless: true),
        };

        await RunAsync(sentinels.Configuration, faults, excuse: CutOffAlone);
    }

    /// <summary>What a node logs when it lets its connections go because it alone could not reach Redis (ClusterLogMessages.CutOffAlone).</summary>
    private const string CutOffAlone = "it is cut off alone";

    /// <param name="excuse">
    /// A line of the nodes' log that names the one cause by which a harmless fault may still move connections (and lose
    /// what the node that let them go had not stored): where the nodes logged it, only the answers, doubled lines and
    /// silent 202s are held to nothing.
    /// </param>
    private async Task<IReadOnlyList<FaultFigures>> RunAsync(string configuration, IReadOnlyList<Fault> faults, string? excuse = null)
    {
        var (figures, report, nodeLog) = await FaultRun.RunAsync(irc.Server, configuration, sessionCount: Long ? 10 : 6, faults, Token);

        var excusedBy = excuse is null ? null : nodeLog.Split('\n').FirstOrDefault(l => l.Contains(excuse, StringComparison.Ordinal))?.Trim();
        var excused = excusedBy is not null;
        if (excused) report += $"{Environment.NewLine}(by the one cause allowed to move connections: {excusedBy})";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "ircstream-faults-report.txt"),
            $"{DateTimeOffset.UtcNow:u} {TestContext.Current.Test?.TestDisplayName}{Environment.NewLine}{report}{Environment.NewLine}{Environment.NewLine}");
        if (!excused) figures.Where(f => f.Harmless && !f.CostNothing).Should().BeEmpty(report);
        figures.Where(f => !f.AnswersClear || f.LinesDoubled > 0 || f.AcceptedSilentlyLost > 0).Should().BeEmpty(report);
        return figures;
    }

    private static async Task FlushAsync(RedisServer redis)
    {
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{redis.Configuration},allowAdmin=true");
        await admin.GetServer(redis.Configuration).FlushAllDatabasesAsync();
    }

    private static async Task PauseAsync(RedisServer redis, TimeSpan pause, CancellationToken cancellationToken)
    {
        redis.Freeze();
        try
        {
            await Task.Delay(pause, cancellationToken);
        }
        finally
        {
            redis.Thaw();
        }
    }
}

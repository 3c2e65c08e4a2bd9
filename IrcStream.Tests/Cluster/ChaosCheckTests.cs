using System.Text.Json;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Cluster.Chaos;

namespace IrcStream.Tests.Cluster;

/// <summary>The chaos test's checks on made-up records: each rule catches what it should and lets the rest through.</summary>
public sealed class ChaosCheckTests
{
    private const string Channel = "#c";
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The writer's view: s1 is in, line 3 comes after failure 1 began and before s1's socket went (excused), line 4
    /// while no connection of s1 is in (not delivered), s1_ rejoins before the cluster recovered.
    /// </summary>
    private static readonly string[] Served =
    [
        ":s1!u@h JOIN #c",
        ":w1!u@h PRIVMSG #c :chaos 1",
        ":w1!u@h PRIVMSG #c :chaos 2",
        ":srv PONG srv :chaos-mark-fail-1",
        ":w1!u@h PRIVMSG #c :chaos 3",
        ":s1!u@h QUIT :Connection closed",
        ":w1!u@h PRIVMSG #c :chaos 4",
        ":s1_!u@h JOIN #c",
        ":w1!u@h PRIVMSG #c :chaos 5",
        ":srv PONG srv :chaos-mark-recovered-1",
        ":w1!u@h PRIVMSG #c :chaos 6",
    ];

    private static readonly ChaosFailure[] Failures = [new(1, 0, Killed: true, Start)];

    [Fact]
    public void ALogWithEveryRequiredLineOnceInOrderPasses() =>
        Check(Served, Log(1, 2, 5, 6)).Violations.Should().BeEmpty();

    [Fact]
    public void AnExcusedLineMayBeThereToo() =>
        Check(Served, Log(1, 2, 3, 5, 6)).Violations.Should().BeEmpty();

    [Theory]
    [InlineData(new[] { 1, 2, 6 }, "1 lines delivered while a node held the connection are not in its log: 5")]
    [InlineData(new[] { 1, 2, 4, 5, 6 }, "1 lines in its log were never delivered to a connection of it: 4")]
    [InlineData(new[] { 1, 2, 5, 5, 6 }, "line 5 is recorded after line 5")]
    [InlineData(new[] { 1, 2, 6, 5 }, "line 5 is recorded after line 6")]
    public void ALineMissingInventedTwiceOrOutOfOrderIsAViolation(int[] recorded, string violation) =>
        Check(Served, Log(recorded)).Violations.Should().ContainSingle().Which.Should().Contain(violation);

    [Fact]
    public void ALineBeforeASocketThatWentOnlyAfterTheRecoveryIsNotExcused()
    {
        var late = Served.Where(l => !l.Contains("QUIT", StringComparison.Ordinal) && !l.Contains("s1_", StringComparison.Ordinal)).Append(":s1!u@h QUIT :Ping timeout").ToArray();

        Check(late, Log(1, 2, 5, 6), names: ["w1"]).Violations.Should().Contain(v => v.Contains("are not in its log: 3, 4", StringComparison.Ordinal));
    }

    [Fact]
    public void ARequiredLineIsNotAViolationOnlyWhereTheTakeoverSaysItsNodeDiedBeforeStoringIt()
    {
        // Line 2 came before the failure began, so it is required; node A read it and was killed before storing it.
        var log = Log(1, 5, 6);
        var reconnecting = """{"seq":3,"type":"status","time":"2026-12-04T12:00:02.000Z","status":"RECONNECTING","detail":"The gateway node changed (node a stopped renewing its lease); connecting again from node b. Whatever node a received after event 2 and had not stored yet is not in this log."}""";
        List<ChaosEvent> said = [log[0], log[1], new(3, "status", reconnecting), .. log.Skip(2).Select(e => e with { Seq = e.Seq + 1 })];

        Check(Served, said).Violations.Should().BeEmpty();
        Check(Served, log).Violations.Should().ContainSingle().Which.Should().Contain("are not in its log: 2");
    }

    [Fact]
    public void ASecondConnectionOfTheSessionInTheChannelIsAViolation()
    {
        var twice = Served.Select(l => l.Contains("QUIT", StringComparison.Ordinal) ? ":s1_!u@h JOIN #c" : l.Contains("s1_", StringComparison.Ordinal) ? ":s1!u@h QUIT :late" : l).ToArray();

        Check(twice, Log(1, 2, 3, 4, 5, 6)).Violations.Should().ContainSingle().Which.Should().Contain("two connections at once: s1_ joined while s1 was still in");
    }

    [Fact]
    public void AReaderThatMissedOrChangedAnEventIsAViolation()
    {
        var log = Log(1, 2, 5, 6);

        Check(Served, log, seen: log.Where(e => e.Seq != 3)).Violations.Should().ContainSingle().Which.Should().Contain("its reader got 4 events, its log holds 5; not read: 3");
        Check(Served, log, seen: log.Select(e => e.Seq == 3 ? e with { Json = e.Json.Replace("chaos 2", "chaos 7", StringComparison.Ordinal) } : e))
            .Violations.Should().ContainSingle().Which.Should().Contain("event 3 as its reader got it differs");
    }

    [Fact]
    public void AConnectionNotBackInItsChannelAtTheEndIsAViolation()
    {
        var log = Log(1, 2, 5, 6);

        Check(Served, log, names: ["w1"]).Violations.Should().ContainSingle().Which.Should().Contain("does not have exactly one connection of it in its channel at the end");
        Check(Served, log, names: ["s1_", "s1", "w1"]).Violations.Should().Contain(v => v.Contains("NAMES lists s1_, s1", StringComparison.Ordinal));
    }

    [Fact]
    public void WhereHistoryFillsEveryLineSinceTheFirstJoinIsRequiredAlsoThoseRelayedWhileNoConnectionWasIn()
    {
        Check(Served, Log(1, 2, 3, 4, 5, 6), historyFills: true).Violations.Should().BeEmpty();
        Check(Served, Log(1, 2, 5, 6), historyFills: true).Violations.Should().ContainSingle()
            .Which.Should().Contain("2 lines the server relayed to the channel since the session's first JOIN are not in its log: 3, 4");
    }

    [Fact]
    public void WhereHistoryFillsALineBeforeTheFirstJoinWasNeverDeliveredAndATakeoverMustNotSayLinesMayBeMissing()
    {
        string[] early = [":w1!u@h PRIVMSG #c :chaos 0", .. Served];
        var log = Log(1, 2, 3, 4, 5, 6);
        var reconnecting = """{"seq":8,"type":"status","time":"2026-12-04T12:00:02.000Z","status":"RECONNECTING","detail":"The gateway node changed (node a stopped renewing its lease); connecting again from node b."}""";
        var noHistory = $$"""{"seq":9,"type":"status","time":"2026-12-04T12:00:03.000Z","status":"ERROR","detail":"{{Domain.Client.IrcClient.TakeoverWithoutHistory}}"}""";
        List<ChaosEvent> saysMissing = [.. log, new(8, "status", reconnecting), new(9, "status", noHistory)];

        Check(early, Log(0, 1, 2, 3, 4, 5, 6), historyFills: true).Violations.Should().ContainSingle().Which.Should().Contain("never delivered to a connection of it: 0");
        Check(early, saysMissing, historyFills: true).Violations.Should().ContainSingle().Which.Should().Contain("the log says lines may be missing");
    }

    private static ChaosCheck Check(string[] served, IReadOnlyList<ChaosEvent> log, IEnumerable<ChaosEvent>? seen = null, string[]? names = null, bool historyFills = false)
    {
        var check = new ChaosCheck(historyFills);
        var session = ChaosSession.Recorded(1, "s1", Channel, seen ?? log);
        var state = JsonDocument.Parse("""{"state":"connected","channels":["#c"]}""").RootElement;
        check.Session(session, [.. served.Select(IrcMessage.Parse)], "w1", Failures, log, state, names ?? ["s1_", "w1"]);
        return check;
    }

    /// <summary>A log: REGISTERED, then the writer's lines with these numbers.</summary>
    private static List<ChaosEvent> Log(params int[] numbers)
    {
        var log = new List<ChaosEvent> { new(1, "status", """{"seq":1,"type":"status","time":"2026-12-04T12:00:00.000Z","status":"REGISTERED","detail":"s1"}""") };
        foreach (var n in numbers)
        {
            var seq = log.Count + 1;
            log.Add(new ChaosEvent(seq, "message", $$"""{"seq":{{seq}},"type":"message","time":"2026-12-04T12:00:01.000Z","tags":{},"source":"w1!u@h","command":"PRIVMSG","params":["#c","chaos {{n}}"]}"""));
        }
        return log;
    }
}

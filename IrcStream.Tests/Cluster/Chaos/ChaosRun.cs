using System.Diagnostics;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster.Chaos;

/// <summary>How a chaos run goes: how many of everything.</summary>
internal sealed record ChaosOptions
{
    public int Nodes { get; init; } = 3;
    public int Sessions { get; init; } = 20;

    /// <summary>Node failures, one after another, on node 0, 1, 2, 0, ...: SIGKILL for even ones, SIGTERM for odd ones.</summary>
    public int Failures { get; init; }

    /// <summary>Every failure is a SIGTERM (no SIGKILL).</summary>
    public bool TermOnly { get; init; }

    /// <summary>Another node takes the connections of a failed node over; otherwise (a single-node behaviour) they end CLOSED on SIGTERM.</summary>
    public bool ExpectTakeover { get; init; } = true;

    /// <summary>How often the writer puts the next numbered line into every channel.</summary>
    public TimeSpan WritePeriod { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long the writer writes before the first failure.</summary>
    public TimeSpan WriteFirst { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The IRC server's chat history fills what no socket received (Ergo): every line relayed to a channel since the
    /// session's first JOIN must be in its log, none is excused (<see cref="ChaosCheck"/>).
    /// </summary>
    public bool HistoryFills { get; init; }

    /// <summary>How long the cluster may take to bring every connection back into its channel after a failure.</summary>
    public TimeSpan RecoveryPatience { get; init; } = ChaosCluster.LeaseTimeout + TimeSpan.FromSeconds(25);
}

/// <summary>
/// The chaos test's course: a cluster, a writer in every channel, sessions spread over the nodes with a reader each;
/// then node failures one at a time (mark, kill or stop, wait until every connection is back, mark, start the node
/// again); then the checks of <see cref="ChaosCheck"/> and their figures.
/// </summary>
internal static class ChaosRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SocketsSettle = TimeSpan.FromSeconds(1.5);

    public static async Task<(ChaosCheck Check, string Report)> RunAsync(ITestIrcServer irc, ChaosOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ChaosCluster.StartAsync(options.Nodes, irc.Port, cancellationToken);
        var channels = Enumerable.Range(0, options.Sessions).Select(i => $"#chaos{i:D2}-{RawIrcClient.UniqueNick("")}").ToArray();
        await using var writer = await ChaosWriter.JoinAsync(irc, channels, cancellationToken);
        var sessions = new List<ChaosSession>();
        try
        {
            for (var i = 0; i < options.Sessions; i++)
            {
                var node = cluster.Nodes[i % options.Nodes].Address!;
                sessions.Add(await ChaosSession.OpenAsync(i, RawIrcClient.UniqueNick("s"), channels[i], node, $"127.0.0.1:{irc.Port}", cancellationToken));
            }
            await WaitUntilAsync(() => writer.AllPresent(sessions), Patience, "every session's connection in its channel", cluster, cancellationToken);

            using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var readers = sessions.Select(s => Task.Run(() => s.ReadAsync(cluster, stopReading.Token), CancellationToken.None)).ToArray();
            using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writing = writer.WriteAsync(options.WritePeriod, stopWriting.Token);
            await Task.Delay(options.WriteFirst, cancellationToken);

            var failures = new List<ChaosFailure>();
            for (var number = 1; number <= options.Failures; number++)
            {
                var node = cluster.Nodes[(number - 1) % options.Nodes];
                var failure = new ChaosFailure(number, node.Index, Killed: number % 2 == 1, DateTimeOffset.UtcNow);
                await writer.MarkAsync(failure.StartMark, cancellationToken);
                var started = DateTimeOffset.UtcNow;
                var exited = failure.Killed ? await node.CrashAsync(cancellationToken) : await node.TerminateAsync(cancellationToken);
                failures.Add(failure with { Started = started, Exited = exited });
                // The IRC server notices the failed node's closed sockets within milliseconds, but its QUITs still have
                // to reach the writer: without this pause the connections of the failed node still look present.
                await Task.Delay(SocketsSettle, cancellationToken);
                await WaitUntilAsync(() => writer.AllPresent(sessions), options.RecoveryPatience, $"every connection back in its channel after failure {number} ({failure.How} of node {node.Index})", cluster, cancellationToken);
                await writer.MarkAsync(failure.RecoveredMark, cancellationToken);
                await node.StartAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            await stopWriting.CancelAsync();
            await writing;
            await writer.MarkAsync("end", cancellationToken);
            await CatchUpAsync(sessions, cluster, cancellationToken);
            await stopReading.CancelAsync();
            await Task.WhenAll(readers);

            var check = new ChaosCheck(options.HistoryFills);
            var received = writer.Received;
            foreach (var session in sessions)
            {
                var log = await session.ReadLogAsync(cluster, cancellationToken);
                var state = await session.DescribeAsync(cluster, cancellationToken);
                var names = await writer.NamesAsync(session.Channel, cancellationToken);
                check.Session(session, received, writer.Nick, failures, log, state, names);
            }
            var report = check.Report(failures, sessions.Count, writer.Rounds * channels.Length, clock.Elapsed);
            if (check.Violations.Count > 0) report += Environment.NewLine + string.Join(Environment.NewLine, check.Violations.Take(40));
            return (check, report);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}{Tail(cluster.Output(), 20000)}", ex);
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }

    /// <summary>Waits until every reader has what the log has: the last seq that a node describes stays where the reader is.</summary>
    private static async Task CatchUpAsync(IReadOnlyList<ChaosSession> sessions, ChaosCluster cluster, CancellationToken cancellationToken)
    {
        // The last lines reach the gateways a moment after the writer's end mark.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var deadline = DateTime.UtcNow + Patience;
        foreach (var session in sessions)
        {
            while (true)
            {
                var lastSeq = (await session.DescribeAsync(cluster, cancellationToken)).GetProperty("lastSeq").GetInt64();
                if (session.LastSeen >= lastSeq) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"The reader of session {session.Index} got to {session.LastSeen}, its log to {lastSeq}, within {Patience.TotalSeconds} s.");
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan patience, string what, ChaosCluster cluster, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not {what} within {patience.TotalSeconds:0} s.");
            await Task.Delay(300, cancellationToken);
        }
    }

    private static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];
}

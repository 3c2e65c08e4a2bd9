using System.Globalization;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>
/// The chathistory backfill against a real Ergo: an operator KILLs the gateway's socket again and again while a writer
/// sends a numbered line every 100 ms, and the channel's log must read 1, 2, 3, ... once each, in the server's order.
/// </summary>
/// <remarks>
/// The suite runs <see cref="SuiteReconnects"/> reconnects; the issue's aim (50) runs outside it with
/// <c>IRCSTREAM_BACKFILL_RECONNECTS=50</c> (docs/FAILOVER.md has the command and the numbers).
/// </remarks>
[Collection("Ergo")]
public sealed class ErgoBackfillTests(ErgoFixture fixture)
{
    private const int SuiteReconnects = 3;
    private static readonly TimeSpan Timeout = TestConnections.Timeout;
    private static readonly TimeSpan WriterInterval = TimeSpan.FromMilliseconds(100);
    private readonly ErgoServer _server = fixture.Server;

    [Fact]
    public async Task AfterEachKillTheChannelLogHoldsEveryLineOnceInTheServersOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var reconnects = int.TryParse(Environment.GetEnvironmentVariable("IRCSTREAM_BACKFILL_RECONNECTS"), CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : SuiteReconnects;
        var channel = "#" + RawIrcClient.UniqueNick("fill");
        await using var connection = TestConnections.Create(_server.Host, _server.Port, RawIrcClient.UniqueNick("gw"),
            TestConnections.Settings with { EventBufferSize = 100_000, EventBufferBytes = 256 << 20 },
            o => o with { Channels = [channel] });
        connection.Start();
        await connection.Events.WaitForMessageAsync(m => m.Command == "366", "the own JOIN", Timeout, ct);
        await using var oper = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("oper"), ct);
        await oper.SendAsync($"OPER {ErgoServer.OperName} {_server.OperPassword}", ct);
        await oper.WaitForAsync(m => m.Command == "381", Timeout, ct);
        await using var writer = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("writer"), ct);
        await writer.SendAsync($"JOIN {channel}", ct);
        await writer.WaitForAsync(m => m.Command == "366", Timeout, ct);

        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var written = 0;
        var writing = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await writer.SendAsync($"PRIVMSG {channel} :line {Interlocked.Increment(ref written)}", ct);
                try
                {
                    await Task.Delay(WriterInterval, stopWriting.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, ct);

        var killedAt = new List<int>();
        for (var i = 0; i < reconnects; i++)
        {
            var seen = await NextLineAsync(connection, writer.Nick, connection.Events.LastSeq, ct);
            killedAt.Add(Volatile.Read(ref written));
            await oper.SendAsync($"KILL {connection.CurrentNick} :backfill test {i + 1}", ct);
            var lost = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct, after: seen);
            var back = await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct, after: lost.Seq);
            await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == channel, "the rejoin", Timeout, ct, after: back.Seq);
        }
        await NextLineAsync(connection, writer.Nick, connection.Events.LastSeq, ct);
        await stopWriting.CancelAsync();
        await writing;
        var last = Volatile.Read(ref written);
        await connection.Events.WaitForMessageAsync(m => IsLine(m, writer.Nick) && m.Params[1] == $"line {last}", $"line {last}", Timeout, ct);

        var lines = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Where(m => IsLine(m.Message, writer.Nick)).ToArray();
        var numbers = lines.Select(m => int.Parse(m.Message.Params[1].AsSpan(5), CultureInfo.InvariantCulture)).ToArray();
        // A line the chathistory answer brought carries the batch's tag: it was sent while the gateway had no socket in the channel.
        var fromHistory = lines.Count(m => m.Message.Tags.ContainsKey("batch"));
        var missing = Enumerable.Range(1, last).Except(numbers).Count();
        var doubled = numbers.Length - numbers.Distinct().Count();
        var outOfOrder = numbers.Zip(numbers.Skip(1)).Count(pair => pair.Second <= pair.First);
        var perReconnect = PerReconnect(numbers, killedAt, last);
        var bad = perReconnect.Where(r => r.Figures != (0, 0, 0)).ToArray();
        var report = $"{reconnects} reconnects, {last} lines written ({fromHistory} recorded from chathistory): {missing} missing, {doubled} doubled, {outOfOrder} out of order; " +
                     $"reconnects with a line missing, doubled or out of order: {bad.Length} of {reconnects}" +
                     string.Concat(bad.Select(r => $"; reconnect {r.Number}: {r.Figures.Missing} missing, {r.Figures.Doubled} doubled, {r.Figures.OutOfOrder} out of order"));
        TestContext.Current.SendDiagnosticMessage(report);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "ircstream-backfill-report.txt"), $"{DateTimeOffset.UtcNow:u} {report}{Environment.NewLine}");
        (missing, doubled, outOfOrder).Should().Be((0, 0, 0), $"the log should read 1..{last} once each; it read {string.Join(' ', numbers)}");
    }

    /// <summary>
    /// Each reconnect's figures: the lines from the one written before its KILL up to the one written before the next KILL
    /// (or the last): which of them are missing, recorded more than once, or recorded before a line the writer sent earlier.
    /// </summary>
    private static IEnumerable<(int Number, (int Missing, int Doubled, int OutOfOrder) Figures)> PerReconnect(int[] numbers, IReadOnlyList<int> killedAt, int last)
    {
        for (var i = 0; i < killedAt.Count; i++)
        {
            var from = killedAt[i];
            var to = i + 1 < killedAt.Count ? killedAt[i + 1] : last;
            bool In(int n) => n > from && n <= to;
            var window = numbers.Where(In).ToArray();
            var missing = Enumerable.Range(from + 1, to - from).Except(window).Count();
            var doubled = window.Length - window.Distinct().Count();
            var outOfOrder = numbers.Zip(numbers.Skip(1)).Count(pair => In(pair.Second) && pair.Second <= pair.First);
            yield return (i + 1, (missing, doubled, outOfOrder));
        }
    }

    private static bool IsLine(IrcMessage message, string writer) =>
        message.Command == "PRIVMSG" && message.Source is { } source && IrcSource.NickOf(source).SequenceEqual(writer)
        && message.Params.Count > 1 && message.Params[1].StartsWith("line ", StringComparison.Ordinal);

    private static async Task<long> NextLineAsync(IrcConnection connection, string writer, long after, CancellationToken ct) =>
        (await connection.Events.WaitForMessageAsync(m => IsLine(m, writer), "a line of the writer", Timeout, ct, after: after)).Seq;
}

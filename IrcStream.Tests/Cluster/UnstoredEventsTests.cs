using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// The chaos test's intermittent "lines delivered while a node held the connection are not in its log", made to happen
/// every time: a node reads a line it cannot store yet (here Redis is paused; under load the flush simply lags) and is
/// killed. The line died with it; the seqs go on without a hole, so only the new owner's RECONNECTING can say what is
/// missing, and it must say exactly from which event on.
/// </summary>
[Collection("InspIRCd")]
public sealed class UnstoredEventsTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinesANodeReadButNeverStoredBeforeItDiedAreNamedByTheTakeoverFromTheLastStoredEvent()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("unstored", server.Port, leaseTimeout: "00:00:03");
        var (channel, nick) = ("#" + RawIrcClient.UniqueNick("un"), RawIrcClient.UniqueNick("gw"));
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        await carol.SendAsync($"PRIVMSG {channel} :stored", Token);
        var stored = await ReadLogUntilAsync(nodes.OnB, id, log => log.Any(e => Text(e) == "stored"));
        var lastStored = stored[^1].GetProperty("seq").GetInt64();

        nodes.Redis.Freeze();
        try
        {
            await carol.SendAsync($"PRIVMSG {channel} :read but never stored", Token);
            // Once the server answers carol's PING it has sent her line on to node A's socket; A reads it (or dies with it
            // unread in its socket): either way its copy to Redis cannot happen before the kill.
            await carol.SendAsync("PING :after", Token);
            await carol.WaitForAsync(m => m.Command == "PONG" && m.Params[^1] == "after", Patience, Token);
            await nodes.A.KillAsync();
        }
        finally
        {
            nodes.Redis.Thaw();
        }

        var log = await ReadLogUntilAsync(nodes.OnB, id, l => l.Any(e => Status(e) == "RECONNECTING"));
        log.Should().NotContain(e => Text(e) == "read but never stored", "it died with node A");
        var reconnecting = log.Single(e => Status(e) == "RECONNECTING");
        var before = log[log.IndexOf(reconnecting) - 1].GetProperty("seq").GetInt64();
        before.Should().BeGreaterThanOrEqualTo(lastStored);
        reconnecting.GetProperty("detail").GetString().Should().Contain($"received after event {before} and had not stored yet is not in this log",
            "the log says exactly from where lines may be missing");
    }

    private static async Task<List<JsonElement>> ReadLogUntilAsync(Browser browser, string id, Func<IReadOnlyList<JsonElement>, bool> until)
    {
        var log = new List<JsonElement>();
        var deadline = DateTime.UtcNow + Patience;
        while (!until(log))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the awaited event comes within {Patience}:{Environment.NewLine}{string.Join(Environment.NewLine, log)}");
            log.AddRange(await browser.PollAsync(id, log.Count == 0 ? 0 : log[^1].GetProperty("seq").GetInt64(), timeoutSeconds: 2));
        }
        return log;
    }

    private static string? Status(JsonElement e) => e.TryGetProperty("status", out var s) ? s.GetString() : null;

    private static string? Text(JsonElement e) =>
        e.TryGetProperty("command", out var c) && c.GetString() == "PRIVMSG" ? e.GetProperty("params")[1].GetString() : null;
}

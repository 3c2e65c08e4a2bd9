using System.Diagnostics;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// One node cut off from Redis while the other still reaches it (a relay in front of node A's Redis, cut as a network
/// partition would): the other node takes A's connection over as its lease expires, and A, asking the other node
/// directly, finds it is cut off alone and lets its socket go, so the IRC server never holds two sockets of one
/// connection for longer than the stated bound (<c>LeaseTimeout</c> + 2 s). When Redis is away for both nodes instead,
/// nothing moves: <see cref="RedisFaultTests"/>.
/// </summary>
[Collection("InspIRCd")]
public sealed class CutOffTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANodeCutOffFromRedisAloneLetsItsSocketGoWithinTheBoundOfTheTakeover()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("cutoff", server.Port, leaseTimeout: "00:00:03", relayForA: true);
        var (channel, nick) = ("#" + RawIrcClient.UniqueNick("cut"), RawIrcClient.UniqueNick("gw"));
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        await carol.SendAsync($"PRIVMSG {channel} :before the cut", Token);
        await ReadLogUntilAsync(nodes.OnB, id, "before the cut");

        nodes.Relay!.Cut();

        // Either A lets go first (its QUIT, then B joins as the nick), or B joins beside it as nick_ and A's QUIT follows.
        var first = await carol.WaitForAsync(m => IrcWatcher.From("QUIT", nick)(m) || IrcWatcher.From("JOIN", nick + "_")(m), Patience, Token);
        if (first.Command == "JOIN")
        {
            var both = Stopwatch.StartNew();
            await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
            both.Elapsed.Should().BeLessThan(Lease + TimeSpan.FromSeconds(2), "the cut-off node lets its socket go about when the other takes the connection over");
        }
        else
        {
            await carol.WaitForAsync(m => m.Command == "JOIN" && (m.Source ?? "").StartsWith(nick, StringComparison.OrdinalIgnoreCase), Patience, Token);
        }
        await WaitForOutputAsync(nodes.A, "is cut off alone");
        await WaitForOutputAsync(nodes.B, $"takes over connection {id}");

        await carol.SendAsync($"PRIVMSG {channel} :after the takeover", Token);
        var log = await ReadLogUntilAsync(nodes.OnB, id, "after the takeover");
        log.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), "one log, numbered on from where A's stored part ends");
        log.Count(e => Text(e) == "before the cut").Should().Be(1);
        nodes.Relay.Mend();
    }

    /// <summary>The whole log, read with long polls until the line <paramref name="text"/> is in it.</summary>
    private static async Task<List<System.Text.Json.JsonElement>> ReadLogUntilAsync(Browser browser, string id, string text)
    {
        var log = new List<System.Text.Json.JsonElement>();
        var deadline = DateTime.UtcNow + Patience;
        while (!log.Any(e => Text(e) == text))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"\"{text}\" is in the log within {Patience}");
            log.AddRange(await browser.PollAsync(id, log.Count == 0 ? 0 : log[^1].GetProperty("seq").GetInt64(), timeoutSeconds: 2));
        }
        return log;
    }

    private static string? Text(System.Text.Json.JsonElement e) =>
        e.TryGetProperty("command", out var c) && c.GetString() == "PRIVMSG" ? e.GetProperty("params")[1].GetString() : null;

    private static async Task WaitForOutputAsync(GatewayProcess process, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the node logs \"{text}\":{Environment.NewLine}{process.Output}");
            await Task.Delay(100, Token);
        }
    }
}

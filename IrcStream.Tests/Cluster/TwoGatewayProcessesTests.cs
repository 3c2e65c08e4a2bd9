using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Two real gateway processes on loopback sharing a real redis-server, in front of a real InspIRCd: one browser uses
/// both nodes as if they were one.
/// </summary>
[Collection("InspIRCd")]
public sealed class TwoGatewayProcessesTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConnectionOpenedOnOneNodeIsListedStreamedPolledWrittenAndClosedFromTheOther()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("processes", server.Port);
        var (onA, onB) = (nodes.OnA, nodes.OnB);
        var channel = "#" + RawIrcClient.UniqueNick("two");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);

        var id = await onA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        // Node B describes it from the owner's record (written every heartbeat): wait until it shows the channel.
        var deadline = DateTime.UtcNow + Patience;
        JsonElement[] listed;
        do
        {
            await Task.Delay(200, Token);
            listed = (await onB.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token))!;
        }
        while (!(listed.Length == 1 && listed[0].GetProperty("channels").EnumerateArray().Any(c => c.GetString() == channel)) && DateTime.UtcNow < deadline);
        listed.Should().ContainSingle().Which.GetProperty("id").GetString().Should().Be(id);
        listed[0].GetProperty("state").GetString().Should().Be("connected", $"node B's view. A:{Environment.NewLine}{nodes.A.Output}");

        await using var stream = await onB.OpenEventsAsync(id);
        using (var sent = await onB.PostLinesAsync(id, $"PRIVMSG {channel} :hello through node B"))
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync(Token));
        (await carol.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "hello through node B", Patience, Token)).Should().NotBeNull();

        await carol.SendAsync($"PRIVMSG {channel} :hello back", Token);
        var seen = false;
        while (!seen && await stream.NextEventAsync(Patience) is { } item)
            seen = item.Data.Contains("hello back", StringComparison.Ordinal);
        seen.Should().BeTrue("the stream on node B carries what the IRC connection held by node A receives");
        var polled = await onB.PollAsync(id, since: 0, timeoutSeconds: 0);
        polled.Should().Contain(e => e.GetRawText().Contains("hello back", StringComparison.Ordinal));

        using (var deleted = await onB.Http.DeleteAsync($"/api/connections/{id}", Token))
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent, await deleted.Content.ReadAsStringAsync(Token));
        await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        using var gone = await onA.Http.GetAsync($"/api/connections/{id}", Token);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ASessionKeptAliveByAStreamOnTheOtherNodeExpiresOnceItEndsAndItsOwnerQuits()
    {
        var server = irc.Server;
        // Long enough that a loaded machine opens the stream on B before the session would expire; the wait below spans two of them.
        await using var nodes = await TwoNodes.StartAsync("expiry", server.Port, idleTimeout: "00:00:10");
        var (onA, onB) = (nodes.OnA, nodes.OnB);
        // Node B answers once before the clock matters, so its first request's start-up cost is not spent from the session's idle time.
        using (var warmUp = await onB.Http.GetAsync("/api/connections", Token))
            warmUp.StatusCode.Should().NotBe(HttpStatusCode.InternalServerError);
        var channel = "#" + RawIrcClient.UniqueNick("exp");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await onA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        // A stream on B at once, and no other request anywhere, for more than two idle timeouts: the session lives on.
        var stream = await onB.OpenEventsAsync(id);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(21);
        while (DateTime.UtcNow < until) (await stream.NextAsync(TimeSpan.FromSeconds(20))).Should().NotBeNull("the stream stays open");
        using (var alive = await onA.Http.GetAsync($"/api/connections/{id}", Token))
            alive.StatusCode.Should().Be(HttpStatusCode.OK, "a stream on node B kept the session alive");

        await stream.DisposeAsync();
        var quit = await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        quit.Params[^1].Should().Contain("Session expired");
    }

    [Fact]
    public async Task AStreamThatAlternatesBetweenNodesWithLastEventIdGetsEveryLineOnceInOrder()
    {
        var server = irc.Server;
        await using var cluster = await TwoNodes.StartAsync("alternate", server.Port);
        var nodes = new[] { cluster.OnA, cluster.OnB };
        var onA = cluster.OnA;
        var channel = "#" + RawIrcClient.UniqueNick("alt");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await onA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        const int Lines = 60;
        var writing = Task.Run(async () =>
        {
            for (var i = 1; i <= Lines; i++) await carol.SendAsync($"PRIVMSG {channel} :line {i}", Token);
        }, Token);

        // Each stream on the next node resumes after the last event id the previous one delivered.
        var received = new List<int>();
        var seqs = new List<long>();
        long last = 0;
        for (var turn = 0; received.Count < Lines; turn++)
        {
            (turn < 200).Should().BeTrue($"all {Lines} lines arrive within 200 reconnects; got {received.Count}");
            await using var stream = await nodes[turn % 2].OpenEventsAsync(id, last == 0 ? null : last);
            for (var read = 0; read < 7 && received.Count < Lines; read++)
            {
                var item = await stream.NextEventAsync(Patience);
                item.Should().NotBeNull();
                var seq = long.Parse(item!.Value.EventId!, System.Globalization.CultureInfo.InvariantCulture);
                seq.Should().BeGreaterThan(last, "no event is delivered twice");
                last = seq;
                seqs.Add(seq);
                item.Value.EventType.Should().NotBe("gap", "nothing is lost");
                var text = JsonDocument.Parse(item.Value.Data).RootElement;
                if (text.TryGetProperty("params", out var parameters) && parameters.GetArrayLength() == 2
                    && parameters[1].GetString() is { } message && message.StartsWith("line ", StringComparison.Ordinal))
                {
                    received.Add(int.Parse(message["line ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        await writing;
        received.Should().Equal(Enumerable.Range(1, Lines), "every line once, in order, across both nodes");
        seqs.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// A node that dies, is stopped or freezes: its IRC connections move to the other node, with real gateway processes,
/// a real redis-server and a real InspIRCd. Leases are 3 s (the shortest allowed) so the takeovers come quickly.
/// </summary>
[Collection("InspIRCd")]
public sealed class FailoverTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string ShortLease = "00:00:03";
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConnectionOfAKilledNodeIsTakenOverByTheOtherRejoiningItsKeyedChannelAndItsLogGoesOn()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("takeover", server.Port, leaseTimeout: ShortLease);
        var channel = "#" + RawIrcClient.UniqueNick("key");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        await carol.SendAsync($"MODE {channel} +k sekrit", Token);
        await carol.WaitForAsync(m => m.Command == "MODE" && m.Params.Contains("+k"), Patience, Token);

        // Joined by the user's own line with its key, after the connection was made: the record must follow it.
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, []);
        await WaitForStatusAsync(nodes.OnA, id, "REGISTERED", after: 0);
        using (var joined = await nodes.OnA.PostLinesAsync(id, $"JOIN {channel} sekrit"))
            joined.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        await WaitUntilListedInAsync(nodes.OnB, id, channel);

        await nodes.A.KillAsync();
        await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        await carol.SendAsync($"PRIVMSG {channel} :after the takeover", Token);
        var log = await ReadLogUntilAsync(nodes.OnB, id, e => Text(e) == "after the takeover");
        ShouldBeNumberedOneByOne(log);
        var reconnecting = log.FindIndex(e => Status(e) == "RECONNECTING" && Detail(e).Contains("gateway node changed", StringComparison.Ordinal));
        reconnecting.Should().BePositive($"the takeover is said in the log:{Environment.NewLine}{Describe(log)}");
        log.Skip(reconnecting).Should().Contain(e => Status(e) == "REGISTERED");
        log.Take(reconnecting).Should().Contain(e => Status(e) == "REGISTERED", "the events of the first owner are still there");
        nodes.B.Output.Should().Contain($"takes over connection {id}");
        await WaitForRegisteredAgainLogAsync(nodes.B, id);
    }

    [Fact]
    public async Task OnSigtermANodeHandsItsConnectionToTheOtherWithoutQuitAndItsStreamsEnd()
    {
        // The default lease (10 s): a handover must not wait for it to expire.
        await using var scene = await InChannelOnAAsync("handover", leaseTimeout: null);
        var (nodes, carol, _, nick, id) = scene;
        await using var stream = await nodes.OnA.OpenEventsAsync(id);

        nodes.A.Terminate();
        var quit = await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        quit.Params[^1].Should().NotStartWith("Quit:", "the stopping node closes its socket without sending QUIT");
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        while (await stream.NextAsync(Patience) is not null)
        {
            // The stream on the stopping node ends (the browser then resumes on another node with Last-Event-ID).
        }
        (await nodes.A.WaitForExitAsync(Patience, Token)).Should().Be(0);

        var log = await ReadLogUntilAsync(nodes.OnB, id, RegisteredAfterTakeover);
        ShouldBeNumberedOneByOne(log);
        log.Should().Contain(e => Status(e) == "RECONNECTING" && Detail(e).Contains("handed it over", StringComparison.Ordinal), Describe(log));
        log.Should().NotContain(e => Status(e) == "CLOSED" || Status(e) == "DISCONNECTED", "a handover neither closes nor drops the connection in its log");
        await WaitForRegisteredAgainLogAsync(nodes.B, id);
    }

    /// <summary>
    /// A node stopped (SIGTERM) while Redis is paused past what a stop used to wait for it (1 s for the log, 4 s in
    /// all): it copies what it read and held before it hands the lease on, so the log has every line it received,
    /// once, and the new owner's RECONNECTING says nothing is missing. Before, those lines died with the node.
    /// </summary>
    [Fact]
    public async Task ANodeStoppedWhileRedisIsPausedCopiesEveryHeldLineBeforeHandingItsConnectionOver()
    {
        const int held = 10;
        await using var scene = await InChannelOnAAsync("paused", leaseTimeout: null);
        var (nodes, carol, channel, nick, id) = scene;
        await carol.SendAsync($"PRIVMSG {channel} :before", Token);
        await ReadLogUntilAsync(nodes.OnB, id, e => Text(e) == "before");
        var received = await EventsReceivedAsync(nodes.OnA);

        nodes.Redis.Freeze();
        try
        {
            for (var i = 1; i <= held; i++) await carol.SendAsync($"PRIVMSG {channel} :held {i}", Token);
            // Read by node A (its counter needs no Redis): in its memory only, since Redis takes nothing now.
            var deadline = DateTime.UtcNow + Patience;
            while (await EventsReceivedAsync(nodes.OnA) < received + held)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, $"node A reads the {held} lines within {Patience}");
                await Task.Delay(100, Token);
            }
            nodes.A.Terminate();
            await WaitForOutputAsync(nodes.A, "Shutting down: leaving 1 IRC connections");
            // The fault: Redis stays away longer than a stop used to wait for it. How long matters not, within the shutdown timeout.
            await Task.Delay(TimeSpan.FromSeconds(6), Token);
        }
        finally
        {
            nodes.Redis.Thaw();
        }

        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        var log = await ReadLogUntilAsync(nodes.OnB, id, RegisteredAfterTakeover);
        ShouldBeNumberedOneByOne(log);
        log.Select(Text).Where(t => t is not null && t.StartsWith("held ", StringComparison.Ordinal))
            .Should().Equal(Enumerable.Range(1, held).Select(i => $"held {i}"), $"every line node A read is in the log once:{Environment.NewLine}{Describe(log)}");
        var reconnecting = log.Single(e => Status(e) == "RECONNECTING");
        Detail(reconnecting).Should().Contain("handed it over").And.NotContain("had not stored yet", "node A stored everything it received");
        (await nodes.A.WaitForExitAsync(Patience, Token)).Should().Be(0);
    }

    /// <summary>The IRC messages a node has received, from its /metrics (served without Redis).</summary>
    private static async Task<long> EventsReceivedAsync(Browser node)
    {
        var scrape = await node.Http.GetStringAsync("/metrics", Token);
        return scrape.Split('\n').Where(l => l.StartsWith("ircstream_events_received_total", StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AFrozenNodeThatWakesAfterItsLeasePassedLetsItsSocketGoWithoutQuitAndAppendsNothing()
    {
        await using var scene = await InChannelOnAAsync("frozen");
        var (nodes, carol, channel, nick, id) = scene;
        await WaitUntilListedInAsync(nodes.OnB, id, channel);

        nodes.A.Freeze();
        try
        {
            // A's socket is still up on the server, so B registers under another nick (nick_) and joins beside it.
            await carol.WaitForAsync(IrcWatcher.From("JOIN", nick + "_"), Patience, Token);
            await carol.SendAsync($"PRIVMSG {channel} :while A sleeps", Token);
            await ReadLogUntilAsync(nodes.OnB, id, e => Text(e) == "while A sleeps");
        }
        finally
        {
            nodes.A.Thaw();
        }

        // A wakes with "while A sleeps" unread in its socket: it must not reach the log a second time.
        var quit = await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        quit.Params[^1].Should().NotStartWith("Quit:", "the woken node closes its socket without sending QUIT");
        await WaitForOutputAsync(nodes.A, "no longer holds its lease");
        await carol.SendAsync($"PRIVMSG {channel} :after A woke", Token);
        var log = await ReadLogUntilAsync(nodes.OnB, id, e => Text(e) == "after A woke");

        ShouldBeNumberedOneByOne(log);
        log.Count(e => Text(e) == "while A sleeps").Should().Be(1, Describe(log));
        var takeover = log.FindIndex(e => Status(e) == "RECONNECTING");
        takeover.Should().BePositive();
        // ERROR lines of the new owner (a takeover without chat history says so) are not states.
        log.Skip(takeover + 1).Select(Status).Where(s => s is not null and not "ERROR").Should().Equal(["CONNECTING", "CONNECTED", "REGISTERED"],
            "after the takeover only the new owner writes: nothing of the woken node (no DISCONNECTED, no CLOSED)");
        log.Last(e => Status(e) == "ERROR").GetProperty("detail").GetString().Should().Be(Domain.Client.IrcClient.TakeoverWithoutHistory);
        using var described = await nodes.OnB.Http.GetAsync($"/api/connections/{id}", Token);
        JsonDocument.Parse(await described.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("state").GetString().Should().Be("connected");
    }

    [Fact]
    public async Task LinesQueuedOnANodeThatDiesAreReportedAsNotSentAndNeverSentTwice()
    {
        await using var scene = await InChannelOnAAsync("pending");
        var (nodes, carol, channel, nick, id) = scene;

        // Flood control writes a burst of 5 at once, then one line every 2 s: the other 5 wait in A's queue. The last
        // carries a password, which neither Redis's list of lines not yet written nor the report may hold.
        var secret = $"pw-{id}";
        using (var sent = await nodes.OnA.PostLinesAsync(id, [.. Enumerable.Range(1, 9).Select(i => $"PRIVMSG {channel} :line {i}"), $"PRIVMSG NickServ :IDENTIFY {secret}"]))
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(nodes.Redis.Configuration))
        {
            // The lines went into Redis before the 202; the last is written some 10 s later.
            var pending = await redis.GetDatabase().SortedSetRangeByRankAsync($"{nodes.Prefix}:{{{id}}}:pending");
            pending.Select(p => (string)p!).Should().Contain(p => p.EndsWith("PRIVMSG NickServ :IDENTIFY (hidden)", StringComparison.Ordinal))
                .And.NotContain(p => p.Contains(secret, StringComparison.Ordinal));
            await carol.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "line 5", Patience, Token);
            // The writer's mark reaches Redis just after the write; a crash before it would report lines 1-5 too.
            var deadline = DateTime.UtcNow + Patience;
            while ((long?)await redis.GetDatabase().StringGetAsync($"{nodes.Prefix}:{{{id}}}:written") is not >= 5)
            {
                DateTime.UtcNow.Should().BeBefore(deadline);
                await Task.Delay(20, Token);
            }
        }
        await nodes.A.KillAsync();

        var log = await ReadLogUntilAsync(nodes.OnB, id, RegisteredAfterTakeover);
        var report = log.SkipWhile(e => Status(e) != "RECONNECTING").Single(e => Status(e) == "ERROR" && Detail(e).Contains("not sent", StringComparison.Ordinal));
        Detail(report).Should().StartWith("5 of your lines were not sent");
        for (var i = 6; i <= 9; i++) Detail(report).Should().Contain($"line {i}");
        Detail(report).Should().Contain("PRIVMSG NickServ :IDENTIFY (hidden)").And.NotContain(secret);
        for (var i = 1; i <= 5; i++) Detail(report).Should().NotContain($"line {i} ");

        // What carol got from the user up to the next line through B (line 5 was taken above): 1-4, once each, nothing of 6-10.
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        using (var after = await nodes.OnB.PostLinesAsync(id, $"PRIVMSG {channel} :after the takeover"))
            after.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var received = new List<string>();
        while (received.LastOrDefault() != "after the takeover")
            received.Add((await carol.WaitForAsync(m => m.Command == "PRIVMSG" && (m.Source ?? "").StartsWith(nick + "!", StringComparison.Ordinal), Patience, Token)).Params[^1]);
        received.Should().Equal(["line 1", "line 2", "line 3", "line 4", "after the takeover"], "lines 6-10 are never sent, and none twice");
    }

    [Fact]
    public async Task ANickStillHeldWhenTheConnectionIsTakenOverIsTakenBackOnceItIsFree()
    {
        await using var scene = await InChannelOnAAsync("nick");
        var (nodes, carol, channel, nick, id) = scene;
        // Registered before the kill, so it takes the nick in the instant the server frees it, before B registers.
        // It is in no channel of the connection's: only MONITOR can tell B when the nick is free again.
        await using var holder = await RawIrcClient.ConnectAsync(irc.Server.Host, irc.Server.Port, RawIrcClient.UniqueNick("ho"), Token);

        await nodes.A.KillAsync();
        await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        await holder.SendAsync($"NICK {nick}", Token);
        await holder.WaitForAsync(m => m.Command == "NICK" && m.Params[0] == nick, Patience, Token);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick + "_"), Patience, Token);
        await ReadLogUntilAsync(nodes.OnB, id, e => Command(e) == "730");

        await holder.SendAsync("QUIT :done", Token);

        var nickChange = await carol.WaitForAsync(IrcWatcher.From("NICK", nick + "_"), Patience, Token);
        nickChange.Params[0].Should().Be(nick);
        var log = await ReadLogUntilAsync(nodes.OnB, id, e => Command(e) == "NICK");
        var change = log.Single(e => Command(e) == "NICK");
        change.GetProperty("source").GetString().Should().StartWith(nick + "_!");
        change.GetProperty("params")[0].GetString().Should().Be(nick);
        log.Should().Contain(e => Command(e) == "731", "the server said the nick went offline: " + Describe(log));
        var deadline = DateTime.UtcNow + Patience;
        while ((await nodes.OnB.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token)).GetProperty("nick").GetString() != nick)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the connection shows the nick it took back");
            await Task.Delay(200, Token);
        }
        await carol.SendAsync($"PRIVMSG {channel} :still here", Token);
        await ReadLogUntilAsync(nodes.OnB, id, e => Text(e) == "still here");
    }

    /// <summary>Two nodes on the shared InspIRCd, carol in a fresh channel, and a connection made on node A that joined it.</summary>
    private sealed record Scene(TwoNodes Nodes, RawIrcClient Carol, string Channel, string Nick, string Id) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Carol.DisposeAsync();
            await Nodes.DisposeAsync();
        }
    }

    private async Task<Scene> InChannelOnAAsync(string name, string? leaseTimeout = ShortLease)
    {
        var server = irc.Server;
        var nodes = await TwoNodes.StartAsync(name, server.Port, leaseTimeout: leaseTimeout);
        RawIrcClient? carol = null;
        try
        {
            var (channel, nick) = ("#" + RawIrcClient.UniqueNick(name[..2]), RawIrcClient.UniqueNick("gw"));
            carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
            var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
            await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
            return new Scene(nodes, carol, channel, nick, id);
        }
        catch
        {
            if (carol is not null) await carol.DisposeAsync();
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whichever node wrote them, the events are numbered 1, 2, 3 ...: none twice, none skipped.</summary>
    private static void ShouldBeNumberedOneByOne(IReadOnlyList<JsonElement> log) =>
        log.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), Describe(log));

    private static async Task WaitUntilListedInAsync(Browser browser, string id, string channel)
    {
        // The record (channels, keys) follows the connection at every heartbeat, a second apart.
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var dto = await browser.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token);
            if (dto.GetProperty("channels").EnumerateArray().Any(c => string.Equals(c.GetString(), channel, StringComparison.OrdinalIgnoreCase))) return;
            DateTime.UtcNow.Should().BeBefore(deadline, $"the record lists {channel} within {Patience}");
            await Task.Delay(200, Token);
        }
    }

    private static async Task WaitForStatusAsync(Browser browser, string id, string status, long after) =>
        await ReadLogUntilAsync(browser, id, e => Status(e) == status && e.GetProperty("seq").GetInt64() > after);

    /// <summary>The whole log, read with long polls until an event matches (failing after <see cref="Patience"/>).</summary>
    private static Task<List<JsonElement>> ReadLogUntilAsync(Browser browser, string id, Func<JsonElement, bool> until) =>
        ReadLogUntilAsync(browser, id, (IReadOnlyList<JsonElement> log) => log.Any(until));

    private static bool RegisteredAfterTakeover(IReadOnlyList<JsonElement> log) =>
        log.SkipWhile(e => Status(e) != "RECONNECTING").Any(e => Status(e) == "REGISTERED");

    private static async Task<List<JsonElement>> ReadLogUntilAsync(Browser browser, string id, Func<IReadOnlyList<JsonElement>, bool> until)
    {
        var log = new List<JsonElement>();
        var deadline = DateTime.UtcNow + Patience;
        while (!until(log))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the awaited event comes within {Patience}:{Environment.NewLine}{Describe(log)}");
            var since = log.Count == 0 ? 0 : log[^1].GetProperty("seq").GetInt64();
            log.AddRange(await browser.PollAsync(id, since, timeoutSeconds: 2));
        }
        return log;
    }

    /// <summary>The new owner logs the takeover's end with how long it took (what its duration metric records).</summary>
    private static Task WaitForRegisteredAgainLogAsync(GatewayProcess owner, string id) =>
        WaitForOutputAsync(owner, $"Connection {id} is registered again");

    private static async Task WaitForOutputAsync(GatewayProcess process, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the node logs \"{text}\":{Environment.NewLine}{process.Output}");
            await Task.Delay(100, Token);
        }
    }

    private static string? Status(JsonElement e) => e.TryGetProperty("status", out var s) ? s.GetString() : null;

    private static string? Command(JsonElement e) => e.TryGetProperty("command", out var c) ? c.GetString() : null;

    private static string Detail(JsonElement e) => e.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";

    private static string? Text(JsonElement e) =>
        e.TryGetProperty("command", out var c) && c.GetString() == "PRIVMSG" ? e.GetProperty("params")[1].GetString() : null;

    private static string Describe(IEnumerable<JsonElement> log) => string.Join(Environment.NewLine, log.Select(e => e.GetRawText()));
}

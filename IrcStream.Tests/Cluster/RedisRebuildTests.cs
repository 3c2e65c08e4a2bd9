using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Cluster;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Redis loses its data (flushed, or restarted without persistence) under live gateway nodes (in-process, on Kestrel,
/// with fake IRC connections and a real redis-server of the test's own): each node puts back what it holds, so the
/// browser's session, its connections' records and leases and the retained part of each log, with their seqs, are
/// there again, nothing is reconnected, and what no node holds any more is a gap.
/// </summary>
public sealed class RedisRebuildTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private RedisServer? _redis;
    private ConnectionMultiplexer? _admin;
    private readonly string _prefix = RedisFixture.UniquePrefix("rebuild");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private RedisServer Redis => _redis!;

    private IDatabase Db => _admin!.GetDatabase();

    private RedisKeys Keys => new(_prefix);

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Token);
        _admin = await ConnectionMultiplexer.ConnectAsync($"{_redis.Configuration},allowAdmin=true,abortConnect=false");
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null) await _admin.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    /// <summary>A node whose logs keep up to 100 events in Redis but only 4 KiB of them in memory: long lines leave older events in Redis alone.</summary>
    private GatewayHost StartNode(string leaseTimeout = "00:00:03") => GatewayHost.StartNode(Redis, _prefix, new Dictionary<string, string?>
    {
        ["IrcStream:EventBufferSize"] = "100",
        ["IrcStream:EventBufferBytes"] = "4096",
        ["IrcStream:Redis:LeaseTimeout"] = leaseTimeout,
        ["IrcStream:Admin:Keys:0:Name"] = "alice",
        ["IrcStream:Admin:Keys:0:Sha256"] = Admin.AdminApiTests.Sha256(Admin.AdminApiTests.Key),
    });

    private static readonly string Long = new('x', 400);

    [Theory]
    [InlineData("flushed")]
    [InlineData("restarted without persistence")]
    public async Task TheOwnerPutsBackTheSessionRecordLeaseAndRetainedLogWithTheirSeqsAndAGapForWhatItNoLongerHolds(string loss)
    {
        await using var a = StartNode();
        using var browser = new Browser(a.BaseAddress);
        var id = await ConnectAsync(browser, password: "server-secret");
        var connection = a.Fakes![id];
        for (var n = 1; n <= 20; n++) connection.Receive($":bob!b@h PRIVMSG #c :line {n} {Long}");
        var log = (RedisEventLog)connection.Events;
        await StoredAsync(log, log.LastSeq);
        var before = await browser.PollAsync(id, 0, 0);
        var token = (string?)await Db.StringGetAsync(Keys.Lease(id));
        before.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(Enumerable.Range(1, (int)log.LastSeq).Select(n => (long)n), "Redis holds every event so far");

        await LoseDataAsync(loss);

        var listed = await ListedAgainAsync(browser, id);
        listed.GetProperty("id").GetString().Should().Be(id);
        ((string?)await Db.StringGetAsync(Keys.Lease(id))).Should().Be(token, "the owner holds its lease again with the same token");
        var record = ConnectionRecord.From(id, await Db.HashGetAllAsync(Keys.Connection(id)))!;
        record.Owner.Should().Be(((string)token!).Split(':')[0]);
        var secrets = a.Services.GetRequiredService<ConnectionSecrets>();
        secrets.Unprotect(await Db.HashGetAsync(Keys.Connection(id), "password")).Should().Be("server-secret",
            "the password is encrypted again from the connection's own options, with a key every node can read");
        (await Db.ListLengthAsync(Keys.DataProtectionKeys)).Should().BeGreaterThan(0, "the node put the key ring back");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, id)).Should().NotBeNull("the takeover scan watches the connection again");

        await StoredAsync(log, log.LastSeq);
        var after = await browser.PollAsync(id, 0, 0);
        var firstKept = log.FirstRetainedSeq;
        firstKept.Should().BeGreaterThan(1, "memory keeps only the newest 4 KiB, so the older events are gone with Redis's copy");
        after[0].GetProperty("type").GetString().Should().Be("gap");
        after[0].GetProperty("from").GetInt64().Should().Be(1);
        after[0].GetProperty("to").GetInt64().Should().Be(firstKept - 1, "the gap says exactly which seqs no node holds any more");
        after.Skip(1).Select(e => e.GetRawText()).Should().Equal(before.Skip((int)firstKept - 1).Select(e => e.GetRawText()),
            "the retained events come back with the same seqs and the same JSON");

        connection.WasLetGo.Should().BeFalse("the owner kept its IRC socket");
        connection.Disposed.Should().BeFalse();
        var next = connection.Receive(":bob!b@h PRIVMSG #c :after the loss");
        next.Seq.Should().Be(before[^1].GetProperty("seq").GetInt64() + 1, "no seq is given twice");
        await StoredAsync(log, next.Seq);
        (await browser.PollAsync(id, next.Seq - 1, 0)).Should().ContainSingle().Which.GetProperty("seq").GetInt64().Should().Be(next.Seq);
    }

    [Fact]
    public async Task TheLinesTheOwnerAcceptedAndHasNotWrittenComeBackWithTheirSecretsHiddenSoALaterCrashStillReportsThem()
    {
        await using var a = StartNode();
        using var browser = new Browser(a.BaseAddress);
        var id = await ConnectAsync(browser);
        var connection = a.Fakes![id];
        string[] lines = ["PRIVMSG #c :one", "PRIVMSG NickServ :IDENTIFY hunter2", "PRIVMSG #c :three"];
        using (var posted = await browser.Http.PostAsJsonAsync($"/api/connections/{id}/lines", new { lines }, Token))
            posted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        // The server has been sent the first line only; the others wait behind flood control.
        connection.WrittenUpTo = 1;
        string[] owed = ["PRIVMSG NickServ :IDENTIFY (hidden)", "PRIVMSG #c :three"];

        await LoseDataAsync("flushed");
        await WaitUntilAsync(async () => await Db.SortedSetLengthAsync(Keys.PendingLines(id)) > 0, "the unwritten lines back in Redis");

        ((long?)await Db.StringGetAsync(Keys.LinesWritten(id))).Should().Be(1, "the mark is where the owner's socket is");
        var report = await a.Services.GetRequiredService<PendingLines>().TakeAsync(id);
        report.Should().Equal(owed, "a node taking over after a crash reports exactly the lines never written, with no secret in Redis");
    }

    [Fact]
    public async Task TheAdminViewKeepsTheClientAddressAndCreationTimeOfARebuiltConnection()
    {
        await using var a = StartNode();
        using var browser = new Browser(a.BaseAddress);
        var id = await ConnectAsync(browser);
        using var admin = Admin.AdminApiTests.Admin(a.BaseAddress);
        var before = await ListedByAdminAsync(admin, id);
        before.GetProperty("clientAddress").GetString().Should().NotBeNullOrEmpty();

        await LoseDataAsync("restarted without persistence");
        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Connection(id)), "the record back in Redis");

        var after = await ListedByAdminAsync(admin, id);
        after.GetProperty("clientAddress").GetString().Should().Be(before.GetProperty("clientAddress").GetString());
        after.GetProperty("created").GetDateTimeOffset().Should().Be(before.GetProperty("created").GetDateTimeOffset(), "the owner wrote back when the connection was opened, not when it was rebuilt");
    }

    [Fact]
    public async Task AnOperatorsBanComesBackAndHoldsMeanwhile()
    {
        await using var a = StartNode();
        using var admin = Admin.AdminApiTests.Admin(a.BaseAddress);
        using (var banned = await admin.PostAsJsonAsync("/admin/bans", new { address = "198.51.100.0/24", minutes = 30, reason = "spam run" }, Token))
            banned.StatusCode.Should().Be(HttpStatusCode.Created);
        var stored = await Db.HashGetAllAsync(Keys.Bans);

        await LoseDataAsync("flushed");
        await WaitUntilAsync(async () => await Db.HashLengthAsync(Keys.Bans) > 0, "the ban back in Redis");

        (await Db.HashGetAllAsync(Keys.Bans)).Should().BeEquivalentTo(stored, "the ban comes back as it was made, with its end");
        var listed = (await admin.GetFromJsonAsync<JsonElement[]>("/admin/bans", Token))!;
        listed.Should().ContainSingle().Which.GetProperty("reason").GetString().Should().Be("spam run");
    }

    private static async Task<JsonElement> ListedByAdminAsync(HttpClient admin, string id)
    {
        var listed = (await admin.GetFromJsonAsync<JsonElement[]>("/admin/connections", Token))!;
        return listed.Should().ContainSingle(c => c.GetProperty("id").GetString() == id).Subject.Clone();
    }

    [Fact]
    public async Task RedisRestartedFromAnOlderSnapshotIsFoundOutAndTheOwnerPutsBackWhatItLostAndDeletesWhatItHadClosed()
    {
        await using var a = StartNode();
        using var browser = new Browser(a.BaseAddress);
        using var admin = Admin.AdminApiTests.Admin(a.BaseAddress);
        var first = await ConnectAsync(browser);
        var closed = await ConnectAsync(browser);
        var firstConnection = a.Fakes![first];
        var firstLog = (RedisEventLog)firstConnection.Events;
        for (var n = 1; n <= 3; n++) firstConnection.Receive($":bob!b@h PRIVMSG #c :before the snapshot {n}");
        await StoredAsync(firstLog, firstLog.LastSeq);
        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Generation), "the node's first look at the generation");
        // The snapshot a Redis with RDB persistence comes back with after a crash (the fixture saves none by itself).
        RedisKey witness = $"{_prefix}:test-witness";
        await Db.StringSetAsync(witness, "in the snapshot");
        await Db.ExecuteAsync("SAVE");
        await Db.StringSetAsync(witness, "after the snapshot");
        var clockAtSnapshot = (long)await Db.StringGetAsync(Keys.Clock);

        // What happens after the snapshot, and is lost with it.
        var second = await ConnectAsync(browser);
        using (var deleted = await browser.Http.DeleteAsync($"/api/connections/{closed}", Token))
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        for (var n = 1; n <= 3; n++) firstConnection.Receive($":bob!b@h PRIVMSG #c :after the snapshot {n}");
        await StoredAsync(firstLog, firstLog.LastSeq);
        using (var banned = await admin.PostAsJsonAsync("/admin/bans", new { address = "198.51.100.0/24", minutes = 30, reason = "made after the snapshot" }, Token))
            banned.StatusCode.Should().Be(HttpStatusCode.Created);
        var secondToken = (string?)await Db.StringGetAsync(Keys.Lease(second));
        await WaitUntilAsync(async () => (long)await Db.StringGetAsync(Keys.Clock) > clockAtSnapshot + 1, "a look at the generation after the snapshot");
        var before = await browser.PollAsync(first, 0, 0);

        await Redis.RestartAsync(Token);
        ((string?)await Db.StringGetAsync(witness)).Should().Be("in the snapshot", "Redis came back from the older snapshot");

        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Connection(second)), "the connection opened after the snapshot put back");
        ((string?)await Db.StringGetAsync(Keys.Lease(second))).Should().Be(secondToken, "with its owner's lease and token");
        (await ListedAgainAsync(browser, second)).GetProperty("id").GetString().Should().Be(second);
        string?[] ids = [];
        await WaitUntilAsync(async () =>
        {
            using var listed = await browser.Http.GetAsync("/api/connections", Token);
            var body = await listed.Content.ReadAsStringAsync(Token);
            listed.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], body);
            if (listed.StatusCode != HttpStatusCode.OK) return false;
            ids = [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString())];
            return true;
        }, "the session's connections listed");
        ids.Should().BeEquivalentTo([first, second], "the session lists what it held, and not the connection closed after the snapshot");
        (await Db.KeyExistsAsync(Keys.Connection(closed))).Should().BeFalse("a connection closed after the snapshot stays closed: no node takes it over");
        (await Db.SetContainsAsync(Keys.Connections, closed)).Should().BeFalse();
        await WaitUntilAsync(async () => await Db.HashLengthAsync(Keys.Bans) == 1, "the ban made after the snapshot put back");

        await StoredAsync(firstLog, firstLog.LastSeq);
        await WaitUntilAsync(async () => (await browser.PollAsync(first, 0, 0)).Length == before.Length, "the log's lost tail appended again");
        (await browser.PollAsync(first, 0, 0)).Select(e => e.GetRawText()).Should().Equal(before.Select(e => e.GetRawText()),
            "the events the older copy lacked are appended again, with their seqs, and no gap");
        a.Fakes[second].WasLetGo.Should().BeFalse("the owner kept the connection the older copy did not know");
        firstConnection.WasLetGo.Should().BeFalse();
    }

    [Fact]
    public async Task AConnectionHandedOverAfterTheSnapshotStaysWithItsNewOwnerWhoseRecordAndLeaseComeBack()
    {
        await using var a = StartNode();
        await using var b = StartNode();
        using var onB = new Browser(b.BaseAddress);
        using var onA = new Browser(a.BaseAddress, onB.Cookies);
        var id = await ConnectAsync(onA);
        var log = (RedisEventLog)a.Fakes![id].Events;
        await StoredAsync(log, log.LastSeq);
        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Generation), "the nodes' first look at the generation");
        var staleLease = await Db.KeyTimeToLiveAsync(Keys.Lease(id)) ?? TimeSpan.Zero;
        await Db.ExecuteAsync("SAVE");
        var saved = DateTime.UtcNow;
        var clockAtSnapshot = (long)await Db.StringGetAsync(Keys.Clock);

        // Node A stops and hands the connection to node B: the snapshot still names A as its owner.
        await a.StopAsync();
        await WaitUntilAsync(async () => ConnectionRecord.From(id, await Db.HashGetAllAsync(Keys.Connection(id)))?.Owner == b.Services.GetRequiredService<GatewayNode>().Id,
            "node B holding the connection");
        var token = (string?)await Db.StringGetAsync(Keys.Lease(id));
        var moved = b.Fakes![id];
        var written = moved.Receive(":bob!b@h PRIVMSG #c :on node B");
        await StoredAsync((RedisEventLog)moved.Events, written.Seq);
        await WaitUntilAsync(async () => (long)await Db.StringGetAsync(Keys.Clock) > clockAtSnapshot + 2, "node B's looks at the generation after the snapshot");
        // A's lease in the snapshot has run out by the time Redis loads it (its expiry is a time, not a span).
        await WaitUntilAsync(() => Task.FromResult(DateTime.UtcNow > saved + staleLease), "A's lease in the snapshot past its expiry");

        await Redis.RestartAsync(Token);

        await WaitUntilAsync(async () => ConnectionRecord.From(id, await Db.HashGetAllAsync(Keys.Connection(id)))?.Owner == b.Services.GetRequiredService<GatewayNode>().Id,
            "the record naming node B again");
        ((string?)await Db.StringGetAsync(Keys.Lease(id))).Should().Be(token, "node B's lease, with its token");
        await WaitUntilAsync(async () => (await onB.PollAsync(id, written.Seq - 1, 0)).Length > 0, "node B's event appended again");
        moved.WasLetGo.Should().BeFalse("node B keeps the connection the older copy says node A holds");
        b.Fakes.Created.Should().ContainSingle("nobody took the connection over again");
    }

    [Fact]
    public async Task AReaderOnAnotherNodeGoesOnWithoutAGapAndNoNodeTakesTheConnectionOver()
    {
        await using var a = StartNode();
        await using var b = StartNode();
        using var onA = new Browser(a.BaseAddress);
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await ConnectAsync(onA);
        var connection = a.Fakes![id];
        var log = (RedisEventLog)connection.Events;
        for (var n = 1; n <= 3; n++) connection.Receive($":bob!b@h PRIVMSG #c :line {n}");
        await StoredAsync(log, log.LastSeq);
        var seen = await onB.PollAsync(id, 0, 0);
        var last = seen[^1].GetProperty("seq").GetInt64();

        await LoseDataAsync("flushed");
        var held = connection.Receive(":bob!b@h PRIVMSG #c :while Redis was empty");

        // Node B reads Redis: it waits for the owner's copy to come back, and goes on from where it was, without a gap.
        var next = await PollUntilAsync(onB, id, last);
        next[0].GetProperty("seq").GetInt64().Should().Be(last + 1);
        next.Should().NotContain(e => e.GetProperty("type").GetString() == "gap");
        next.Should().Contain(e => e.GetProperty("seq").GetInt64() == held.Seq);

        // Two more renewals of A's after the rebuild: the lease stays A's, and B never opened the connection.
        var renewed = (string?)await Db.HashGetAsync(Keys.Connection(id), "renewed");
        await WaitUntilAsync(async () => (string?)await Db.HashGetAsync(Keys.Connection(id), "renewed") is { } r && r != renewed, "a renewal by A");
        renewed = (string?)await Db.HashGetAsync(Keys.Connection(id), "renewed");
        await WaitUntilAsync(async () => (string?)await Db.HashGetAsync(Keys.Connection(id), "renewed") is { } r && r != renewed, "a second renewal by A");
        b.Fakes!.Created.Should().BeEmpty("no node takes over a connection whose owner put its lease back");
        connection.WasLetGo.Should().BeFalse();
    }

    [Fact]
    public async Task ASessionWithoutConnectionsComesBackFromTheNodeThatServedIt()
    {
        await using var a = StartNode();
        using var browser = new Browser(a.BaseAddress);
        var id = await ConnectAsync(browser);
        using (var deleted = await browser.Http.DeleteAsync($"/api/connections/{id}", Token))
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var cookie = browser.Cookies.GetCookies(a.BaseAddress).Single().Value;

        await LoseDataAsync("flushed");
        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Session(cookie)), "the session back in Redis");

        using var listed = await browser.Http.GetAsync("/api/connections", Token);
        listed.StatusCode.Should().Be(HttpStatusCode.OK);
        listed.Headers.Contains("Set-Cookie").Should().BeFalse("the browser keeps its session");
        var again = await ConnectAsync(browser);
        browser.Cookies.GetCookies(a.BaseAddress).Single().Value.Should().Be(cookie, "a connection opened now belongs to the same session");
        ((string?)await Db.HashGetAsync(Keys.Session(cookie), "connections")).Should().Be(again);
    }

    [Fact]
    public async Task ACookieNamingNoSessionAnswers503WithRetryAfterWhileTheNodesRebuildThenNoneAsBefore()
    {
        await using var a = StartNode(leaseTimeout: "00:00:05");
        using var browser = new Browser(a.BaseAddress);
        await ConnectAsync(browser);
        await LoseDataAsync("flushed");
        await WaitUntilAsync(async () => await Db.KeyExistsAsync(Keys.Generation) && (await Db.SetMembersAsync(Keys.Connections)).Length == 1, "the rebuild");

        using var stranger = new Browser(a.BaseAddress);
        stranger.Cookies.Add(a.BaseAddress, new Cookie(IrcStream.Api.Sessions.SessionCookie.Name, IrcStream.Api.Sessions.SessionCookie.NewValue()));
        using (var meanwhile = await stranger.Http.GetAsync("/api/connections/nope", Token))
        {
            meanwhile.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "another node may not have put this session back yet");
            meanwhile.Headers.RetryAfter.Should().NotBeNull();
            meanwhile.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        }
        using (var ownSession = await browser.Http.GetAsync("/api/connections/nope", Token))
            ownSession.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "the session may not hold that connection yet");

        // A lease (5 s) after the loss, "not found" is an answer again.
        await WaitUntilAsync(async () =>
        {
            using var later = await stranger.Http.GetAsync("/api/connections/nope", Token);
            return later.StatusCode == HttpStatusCode.NotFound;
        }, "404 once the rebuild window has passed");
    }

    private async Task LoseDataAsync(string loss)
    {
        if (loss == "flushed") await _admin!.GetServer(Redis.Configuration).FlushAllDatabasesAsync();
        else await Redis.RestartAsync(Token);
    }

    private static async Task<string> ConnectAsync(Browser browser, string? password = null)
    {
        using var response = await browser.Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "alice", password }, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The connection as the browser's list shows it once it is back (503 meanwhile is fine, 404 and a new cookie are not).</summary>
    private static async Task<JsonElement> ListedAgainAsync(Browser browser, string id)
    {
        JsonElement found = default;
        await WaitUntilAsync(async () =>
        {
            using var response = await browser.Http.GetAsync($"/api/connections/{id}", Token);
            response.Headers.Contains("Set-Cookie").Should().BeFalse("the browser keeps its session");
            response.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], "a connection being put back is never 'not found'");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            found = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).Clone();
            return true;
        }, $"connection {id} described again");
        return found;
    }

    private static async Task<JsonElement[]> PollUntilAsync(Browser browser, string id, long after)
    {
        JsonElement[] events = [];
        await WaitUntilAsync(async () =>
        {
            using var response = await browser.Http.GetAsync($"/api/connections/{id}/poll?since={after}&timeout=1", Token);
            response.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable]);
            if (response.StatusCode != HttpStatusCode.OK) return false;
            events = (await response.Content.ReadFromJsonAsync<JsonElement[]>(Token))!;
            return events.Length > 0;
        }, $"events after {after}");
        return events;
    }

    /// <summary>Waits, woken by each batch the log copies, until Redis has its events up to <paramref name="seq"/>.</summary>
    private static async Task StoredAsync(RedisEventLog log, long seq)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var moved = log.ShippedMoved;
            if (log.ShippedSeq >= seq) return;
            try
            {
                await moved.WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The log did not reach Redis up to seq {seq} within {Patience} (it is at {log.ShippedSeq}).");
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{what} within {Patience}");
            await Task.Delay(100, Token);
        }
    }
}

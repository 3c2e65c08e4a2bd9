using IrcStream.Api.Cluster;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster.Scripts;

/// <summary>
/// Each Lua script of Redis mode (<see cref="RedisScripts"/>), run by itself against a real redis-server with the keys
/// and arguments its contract names: what it returns, and what it writes or leaves alone.
/// </summary>
[Collection("Redis")]
public sealed class RedisScriptsTests(RedisFixture fixture) : ScriptTests(fixture, "scripts")
{
    private const string Id = "c1";
    private const string Token = "node-a:g1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private RedisKey[] AppendKeys => [Keys.Log(Id), Keys.Lease(Id), Keys.LogEnd(Id)];

    private static RedisValue[] AppendArgs(string token, int capacity, string channel, long endMs, long appended, params (long Seq, string Type, string Json)[] events) =>
        [token, capacity, channel, Id, endMs, appended, .. events.SelectMany(e => new RedisValue[] { e.Seq, e.Type, e.Json })];

    /// <summary>The append's answer: its outcome and the stream's newest seq.</summary>
    private async Task<(long Outcome, long Newest)> Append(params RedisValue[] args)
    {
        var result = (RedisResult[])(await Run(RedisScripts.EventAppend, AppendKeys, args))!;
        return ((long)result[0], (long)result[1]);
    }

    [Fact]
    public async Task EventAppendWritesOnlyUnderTheLeaseSkipsSeqsItHasTrimsAndPublishes()
    {
        var channel = Keys.Events.ToString();
        var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Redis.GetSubscriber().SubscribeAsync(Keys.Events, (_, message) => published.TrySetResult(message!));

        (await Append(AppendArgs(Token, 3, channel, 0, 0, (1, "a", "{}")))).Outcome.Should().Be(-2, "nobody holds the lease");
        await Db.StringSetAsync(Keys.Lease(Id), "node-b:g2");
        (await Append(AppendArgs(Token, 3, channel, 0, 0, (1, "a", "{}")))).Outcome.Should().Be(-1, "another node holds the lease");
        (await Db.KeyExistsAsync(Keys.Log(Id))).Should().BeFalse();

        await Db.StringSetAsync(Keys.Lease(Id), Token);
        (await Append(AppendArgs(Token, 3, channel, 0, 0, (1, "a", "{\"n\":1}"), (2, "b", "{\"n\":2}")))).Should().Be((0, 2));
        (await published.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel)).Should().Be($"{Id} 2");
        // A retried batch adds nothing twice; the stream keeps the newest 3 seqs.
        (await Append(AppendArgs(Token, 3, channel, 0, 1, (2, "b", "{\"n\":2}"), (3, "c", "{}"), (4, "d", "{}")))).Should().Be((0, 4));
        var entries = await Db.StreamRangeAsync(Keys.Log(Id));
        entries.Select(e => (string)e.Id!).Should().Equal("2-0", "3-0", "4-0");
        entries[0]["t"].Should().Be((RedisValue)"b");
        (await Append(AppendArgs(Token, 3, channel, 0, 6, (7, "g", "{}")))).Should().Be((-3, 4), "the stream ends before 6, which the writer had appended");

        (await Append(AppendArgs(Token, 3, channel, 60_000, 4, (5, "closed", "{}")))).Should().Be((0, 5));
        ((long)await Db.StringGetAsync(Keys.LogEnd(Id))).Should().Be(5, "the end mark says where the log ends");
        (await Db.KeyTimeToLiveAsync(Keys.Log(Id))).Should().NotBeNull("an ended log expires");
    }

    [Fact]
    public async Task LeaseClaimTakesOnlyAFreeOrHandedLeaseOfALiveRecord()
    {
        RedisKey[] keys = [Keys.Lease(Id), Keys.Connection(Id), Keys.LogEnd(Id)];
        ((int)await Run(RedisScripts.LeaseClaim, keys, "b:1", 10_000, "")).Should().Be(-1, "there is no record");
        await Db.HashSetAsync(Keys.Connection(Id), "server", "irc:6667");
        await Db.StringSetAsync(Keys.Lease(Id), "a:1");
        ((int)await Run(RedisScripts.LeaseClaim, keys, "b:1", 10_000, "")).Should().Be(0, "node a holds it");
        ((int)await Run(RedisScripts.LeaseClaim, keys, "b:1", 10_000, "b:handover:x")).Should().Be(0, "it was not handed to b");

        await Db.StringSetAsync(Keys.Lease(Id), "b:handover:x");
        ((int)await Run(RedisScripts.LeaseClaim, keys, "b:2", 10_000, "b:handover:x")).Should().Be(1);
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be("b:2");
        (await Db.KeyTimeToLiveAsync(Keys.Lease(Id))).Should().BeCloseTo(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

        await Db.KeyDeleteAsync(Keys.Lease(Id));
        ((int)await Run(RedisScripts.LeaseClaim, keys, "c:1", 10_000, "")).Should().Be(1, "nobody held it");
        await Db.KeyDeleteAsync(Keys.Lease(Id));
        await Db.StringSetAsync(Keys.LogEnd(Id), 9);
        ((int)await Run(RedisScripts.LeaseClaim, keys, "c:2", 10_000, "")).Should().Be(-1, "the log has ended: closed for good");
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeFalse();
    }

    [Fact]
    public async Task LeaseHandOverReplacesOnlyTheGiversTokenAndMarksTheConnectionDue()
    {
        RedisKey[] keys = [Keys.Lease(Id), Keys.LeaseExpiries];
        await Db.StringSetAsync(Keys.Lease(Id), "a:1");
        await Db.SortedSetAddAsync(Keys.LeaseExpiries, Id, 12345);
        ((int)await Run(RedisScripts.LeaseHandOver, keys, "a:other", "b:handover:g", 10_000, Id)).Should().Be(0);
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be("a:1");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().Be(12345);

        ((int)await Run(RedisScripts.LeaseHandOver, keys, "a:1", "b:handover:g", 10_000, Id)).Should().Be(1);
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be("b:handover:g");
        (await Db.KeyTimeToLiveAsync(Keys.Lease(Id))).Should().NotBeNull("an unclaimed handover expires");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().Be(0);
    }

    [Fact]
    public async Task LeaseDeleteRemovesOnlyTheHoldersLeaseAndIndexesNothingNew()
    {
        RedisKey[] keys = [Keys.Lease(Id), Keys.LeaseExpiries];
        await Db.StringSetAsync(Keys.Lease(Id), "a:1");
        ((int)await Run(RedisScripts.LeaseDelete, keys, "b:1", Id)).Should().Be(0);
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeTrue();

        ((int)await Run(RedisScripts.LeaseDelete, keys, "a:1", Id)).Should().Be(1);
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeFalse();
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().BeNull("a connection not indexed is not indexed by a delete");

        await Db.StringSetAsync(Keys.Lease(Id), "a:2");
        await Db.SortedSetAddAsync(Keys.LeaseExpiries, Id, 999);
        ((int)await Run(RedisScripts.LeaseDelete, keys, "a:2", Id)).Should().Be(1);
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().Be(0, "an indexed one is due at once");
    }

    /// <summary>The renewal's outcome (the stream's newest seq, which it also answers, is checked where it matters).</summary>
    private async Task<int> Renew(RedisKey[] keys, params RedisValue[] args) => (int)((RedisResult[])(await Run(RedisScripts.ConnectionRenew, keys, args))!)[0];

    [Fact]
    public async Task ConnectionRenewRenewsTheLeaseAndWritesTheFieldsWhileTheSessionLives()
    {
        var session = Keys.SessionByHash("s1");
        RedisKey[] keys = [Keys.Lease(Id), Keys.Connection(Id), session, Keys.Log(Id)];
        RedisValue[] args = ["a:1", 10_000, 60_000, "a", 0, "state", "connected", "nick", "alice"];
        (await Renew(keys, args)).Should().Be(-3, "no lease and no record: only Redis losing data does that");
        (await Db.KeyExistsAsync(Keys.Connection(Id))).Should().BeFalse();
        await Db.HashSetAsync(Keys.Connection(Id), "owner", "b");
        (await Renew(keys, args)).Should().Be(-1, "nobody holds the lease, and the record names another node");

        await Db.StringSetAsync(Keys.Lease(Id), "a:1", TimeSpan.FromSeconds(1));
        (await Renew(keys, args)).Should().Be(0, "the session has expired");
        (await Db.KeyTimeToLiveAsync(Keys.Lease(Id))).Should().BeGreaterThan(TimeSpan.FromSeconds(5), "the lease is renewed even so");
        (await Db.HashExistsAsync(Keys.Connection(Id), "nick")).Should().BeFalse("the record is not written for a session that has expired");

        await Db.HashSetAsync(session, "address", "127.0.0.1");
        (await Renew(keys, args)).Should().Be(1);
        (await Db.HashGetAsync(Keys.Connection(Id), "nick")).Should().Be((RedisValue)"alice");
        (await Db.HashGetAsync(Keys.Connection(Id), "state")).Should().Be((RedisValue)"connected");
        (await Db.KeyTimeToLiveAsync(Keys.Connection(Id))).Should().BeGreaterThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ConnectionRenewTakesAnExpiredLeaseBackOnlyWhereNoOtherNodeWroteMeanwhile()
    {
        var session = Keys.SessionByHash("s1");
        await Db.HashSetAsync(session, "address", "127.0.0.1");
        await Db.HashSetAsync(Keys.Connection(Id), "owner", "a");
        for (var seq = 1; seq <= 3; seq++) await Db.StreamAddAsync(Keys.Log(Id), [new("t", "x"), new("j", "{}")], $"{seq}-0");
        RedisKey[] keys = [Keys.Lease(Id), Keys.Connection(Id), session, Keys.Log(Id)];

        // The lease expired while Redis was away; node a appended up to 3, and nobody after it.
        (await Renew(keys, "a:1", 10_000, 60_000, "a", 3, "state", "connected")).Should().Be(2);
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be("a:1", "the same token: the owner's held appends go on under it");
        ((long)((RedisResult[])(await Run(RedisScripts.ConnectionRenew, keys, "a:1", 10_000, 60_000, "a", 5, "state", "connected")))![1]).Should().Be(3,
            "the renewal says where the stream ends, so an owner that appended up to 5 sees that Redis lost 4 and 5");
        (await Db.KeyTimeToLiveAsync(Keys.Lease(Id))).Should().BeGreaterThan(TimeSpan.FromSeconds(5));

        await Db.KeyDeleteAsync(Keys.Lease(Id));
        (await Renew(keys, "a:1", 10_000, 60_000, "a", 2, "state", "connected")).Should().Be(-1,
            "the log goes on past what node a appended: another node wrote there");
        await Db.HashSetAsync(Keys.Connection(Id), "owner", "b");
        (await Renew(keys, "a:1", 10_000, 60_000, "a", 3, "state", "connected")).Should().Be(-1,
            "the record names another owner");
        await Db.StringSetAsync(Keys.Lease(Id), "b:2");
        (await Renew(keys, "a:1", 10_000, 60_000, "a", 3, "state", "connected")).Should().Be(-1, "node b holds it");
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeTrue();
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be("b:2");
    }

    [Fact]
    public async Task TakeoverScanFindsOrphansAndHandedLeasesAndRescoresHeldOnes()
    {
        foreach (var id in new[] { "orphan", "held", "handed" })
        {
            await Db.HashSetAsync(Keys.Connection(id), "server", "irc:6667");
            await Db.SortedSetAddAsync(Keys.LeaseExpiries, id, 0);
        }
        await Db.StringSetAsync(Keys.Lease("held"), "other:1", TimeSpan.FromMinutes(1));
        await Db.StringSetAsync(Keys.Lease("handed"), "me:handover:g");
        var result = (RedisResult[])(await Run(RedisScripts.TakeoverScan, [Keys.LeaseExpiries, Keys.Connections],
            Keys.ConnectionKeyHead, RedisKeys.ConnectionKeySuffix(RedisKeys.LeasePart), RedisKeys.ConnectionKeySuffix(RedisKeys.ConnectionPart),
            RedisKeys.ConnectionKeySuffix(RedisKeys.LogEndPart), "me:handover:", 100))!;
        ((string[])result[0]!).Should().Equal("orphan");
        ((string[])result[1]!).Should().Equal("handed");
        ((string[])result[2]!).Should().Equal("me:handover:g");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, "held")).Should().BeGreaterThan(0, "a held lease is scored with its real expiry");
    }

    [Fact]
    public async Task OwnerFindNamesTheLeaseHoldersNodeAndItsAddress()
    {
        (await Run(RedisScripts.OwnerFind, [Keys.Lease(Id)], Keys.NodePrefix)).IsNull.Should().BeTrue("nobody holds the lease");
        await Db.StringSetAsync(Keys.Lease(Id), "node-b:g1");
        var found = (RedisResult[])(await Run(RedisScripts.OwnerFind, [Keys.Lease(Id)], Keys.NodePrefix))!;
        ((string?)found[0]).Should().Be("node-b");
        found[1].IsNull.Should().BeTrue("node b announces no address");

        await Db.StringSetAsync(Keys.Node("node-b"), "http://b:8080");
        found = (RedisResult[])(await Run(RedisScripts.OwnerFind, [Keys.Lease(Id)], Keys.NodePrefix))!;
        ((string?)found[1]).Should().Be("http://b:8080");
    }

    [Fact]
    public async Task LinesAddKeepsLinesAboveTheWrittenMarkOnlyUnderTheLease()
    {
        RedisKey[] keys = [Keys.Lease(Id), Keys.PendingLines(Id), Keys.LinesWritten(Id)];
        ((int)await Run(RedisScripts.LinesAdd, keys, Token, 60_000, 1, "PRIVMSG #a :1")).Should().Be(0);
        (await Db.KeyExistsAsync(Keys.PendingLines(Id))).Should().BeFalse();

        await Db.StringSetAsync(Keys.Lease(Id), Token);
        await Db.StringSetAsync(Keys.LinesWritten(Id), 2);
        ((int)await Run(RedisScripts.LinesAdd, keys, Token, 60_000, 2, "PRIVMSG #a :2", 3, "PRIVMSG #a :3")).Should().Be(1);
        (await Db.SortedSetRangeByRankAsync(Keys.PendingLines(Id))).Select(v => (string)v!).Should().Equal("3 PRIVMSG #a :3");
        (await Db.KeyTimeToLiveAsync(Keys.PendingLines(Id))).Should().NotBeNull();
    }

    [Fact]
    public async Task LinesWrittenMovesTheMarkUpOnlyAndDropsWhatWasWritten()
    {
        RedisKey[] keys = [Keys.PendingLines(Id), Keys.LinesWritten(Id)];
        await Db.SortedSetAddAsync(Keys.PendingLines(Id), [new("1 a", 1), new("2 b", 2), new("3 c", 3)]);
        await Run(RedisScripts.LinesWritten, keys, 2, 60_000);
        ((long)await Db.StringGetAsync(Keys.LinesWritten(Id))).Should().Be(2);
        (await Db.SortedSetRangeByRankAsync(Keys.PendingLines(Id))).Select(v => (string)v!).Should().Equal("3 c");

        await Run(RedisScripts.LinesWritten, keys, 1, 60_000);
        ((long)await Db.StringGetAsync(Keys.LinesWritten(Id))).Should().Be(2, "a late report does not move the mark back");
    }

    [Fact]
    public async Task LinesTakeReturnsTheLinesAboveTheMarkInOrderAndDeletesBoth()
    {
        RedisKey[] keys = [Keys.PendingLines(Id), Keys.LinesWritten(Id)];
        await Db.SortedSetAddAsync(Keys.PendingLines(Id), [new("4 d", 4), new("2 b", 2), new("3 c", 3)]);
        await Db.StringSetAsync(Keys.LinesWritten(Id), 2);
        ((string[])(await Run(RedisScripts.LinesTake, keys))!).Should().Equal("3 c", "4 d");
        (await Db.KeyExistsAsync(Keys.PendingLines(Id))).Should().BeFalse();
        (await Db.KeyExistsAsync(Keys.LinesWritten(Id))).Should().BeFalse();
    }

    [Fact]
    public async Task SessionCreateCountsLiveSessionsGatewayWideAndPerAddress()
    {
        RedisKey[] CreateKeys(string hash, string address) => [Keys.SessionByHash(hash), Keys.Sessions, Keys.SessionsFrom(address)];
        ((int)await Run(RedisScripts.SessionCreate, CreateKeys("s1", "10.0.0.1"), 60_000, 2, 1, "10.0.0.1")).Should().Be(0);
        (await Db.HashGetAsync(Keys.SessionByHash("s1"), "address")).Should().Be((RedisValue)"10.0.0.1");
        (await Db.KeyTimeToLiveAsync(Keys.SessionByHash("s1"))).Should().NotBeNull();
        ((int)await Run(RedisScripts.SessionCreate, CreateKeys("s2", "10.0.0.1"), 60_000, 2, 1, "10.0.0.1")).Should().Be(2, "the address is full");
        ((int)await Run(RedisScripts.SessionCreate, CreateKeys("s3", "10.0.0.2"), 60_000, 2, 1, "10.0.0.2")).Should().Be(0);
        ((int)await Run(RedisScripts.SessionCreate, CreateKeys("s4", "10.0.0.3"), 60_000, 2, 1, "10.0.0.3")).Should().Be(1, "the gateway is full");
        (await Db.KeyExistsAsync(Keys.SessionByHash("s4"))).Should().BeFalse();
    }

    [Fact]
    public async Task SessionTouchRenewsALiveSessionAndAnswersItsAddressAndConnections()
    {
        RedisKey[] keys = [Keys.SessionByHash("s1"), Keys.Sessions];
        (await Run(RedisScripts.SessionTouch, keys, 60_000, Keys.SessionsFromPrefix)).IsNull.Should().BeTrue("there is no such session");

        await Db.HashSetAsync(Keys.SessionByHash("s1"), [new("address", "10.0.0.1"), new("connections", "c1 c2")]);
        var found = (string[])(await Run(RedisScripts.SessionTouch, keys, 60_000, Keys.SessionsFromPrefix))!;
        found.Should().Equal("10.0.0.1", "c1 c2");
        (await Db.KeyTimeToLiveAsync(Keys.SessionByHash("s1"))).Should().NotBeNull();
        (await Db.SortedSetScoreAsync(Keys.Sessions, (string)Keys.SessionByHash("s1")!)).Should().NotBeNull();
        (await Db.SortedSetScoreAsync(Keys.SessionsFrom("10.0.0.1"), (string)Keys.SessionByHash("s1")!)).Should().NotBeNull();
    }

    [Fact]
    public async Task SessionAddConnectionAddsWithinTheLimitToALiveSession()
    {
        RedisKey[] keys = [Keys.SessionByHash("s1")];
        ((int)await Run(RedisScripts.SessionAddConnection, keys, "c1", 2)).Should().Be(2, "the session has expired");
        await Db.HashSetAsync(Keys.SessionByHash("s1"), [new("address", "10.0.0.1"), new("connections", "")]);
        ((int)await Run(RedisScripts.SessionAddConnection, keys, "c1", 2)).Should().Be(0);
        ((int)await Run(RedisScripts.SessionAddConnection, keys, "c2", 2)).Should().Be(0);
        ((int)await Run(RedisScripts.SessionAddConnection, keys, "c3", 2)).Should().Be(1, "the session is full");
        (await Db.HashGetAsync(Keys.SessionByHash("s1"), "connections")).Should().Be((RedisValue)"c1 c2");
    }

    [Fact]
    public async Task SessionRemoveConnectionRemovesOnlyAnIdTheSessionHolds()
    {
        RedisKey[] keys = [Keys.SessionByHash("s1")];
        ((int)await Run(RedisScripts.SessionRemoveConnection, keys, "c1")).Should().Be(0, "the session has expired");
        await Db.HashSetAsync(Keys.SessionByHash("s1"), [new("address", "10.0.0.1"), new("connections", "c1 c2 c3")]);
        ((int)await Run(RedisScripts.SessionRemoveConnection, keys, "c9")).Should().Be(0);
        ((int)await Run(RedisScripts.SessionRemoveConnection, keys, "c2")).Should().Be(1);
        (await Db.HashGetAsync(Keys.SessionByHash("s1"), "connections")).Should().Be((RedisValue)"c1 c3");
    }
}

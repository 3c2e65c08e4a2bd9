using IrcStream.Api.Cluster;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster.Scripts;

/// <summary>
/// The scripts that put back what a node holds after Redis lost its data (<see cref="RedisRebuild"/>), each run by
/// itself against a real redis-server: the generation marker, a connection's lease and record, a session, the key ring.
/// </summary>
[Collection("Redis")]
public sealed class RebuildScriptsTests(RedisFixture fixture) : ScriptTests(fixture, "rebuild-scripts")
{
    private const string Id = "c1";
    private const string Token = "node-a:g1";
    private const string Generation = "g-1";

    private async Task<(string Marker, long Clock)> Look(string candidate)
    {
        var answer = (RedisResult[])(await Run(RedisScripts.GenerationCheck, [Keys.Generation, Keys.Clock], candidate))!;
        return ((string)answer[0]!, (long)answer[1]);
    }

    [Fact]
    public async Task GenerationCheckWritesACandidateOnlyWhereNoneIsAndMovesTheCountOnAtEveryLook()
    {
        (await Look("first")).Should().Be(("first", 1));
        (await Look("second")).Should().Be(("first", 2), "a marker is written once; every look moves the count on");
        (await Db.KeyTimeToLiveAsync(Keys.Generation)).Should().BeNull("the marker never expires");
        (await Db.KeyTimeToLiveAsync(Keys.Clock)).Should().BeNull("nor does the count");
        await Db.KeyDeleteAsync([Keys.Generation, Keys.Clock]);
        (await Look("third")).Should().Be(("third", 1), "after a loss the next look writes a new one");
    }

    [Fact]
    public async Task TheGenerationTellsAnEmptyRedisAndOneGoneBackToAnOlderCopyAndWhatReadMayBeRemembered()
    {
        var generation = new RedisGeneration(Redis, Keys);
        (await generation.LostAsync()).Should().BeFalse("the first look is never a loss");
        (await generation.LostAsync()).Should().BeFalse();
        generation.IsCurrent(await Db.StringGetAsync(Keys.Generation), await Db.StringGetAsync(Keys.Clock)).Should().BeTrue();

        // An older snapshot: the same marker, the count where it was two looks ago.
        await Db.StringSetAsync(Keys.Clock, 1);
        generation.IsCurrent(await Db.StringGetAsync(Keys.Generation), await Db.StringGetAsync(Keys.Clock)).Should().BeFalse(
            "what an older copy holds is not remembered as the truth");
        (await generation.LostAsync()).Should().BeTrue("the count went back");
        generation.WentBack.Should().BeTrue();
        (await generation.LostAsync()).Should().BeTrue("a loss stays one until the node rebuilt");
        generation.Rebuilt(generation.Known!);
        (await generation.LostAsync()).Should().BeFalse();

        generation.FoundMissing();
        (await generation.LostAsync()).Should().BeTrue("a record of its own gone with its lease");
        generation.Rebuilt(generation.Known!);

        await Db.KeyDeleteAsync([Keys.Generation, Keys.Clock]);
        generation.IsCurrent(await Db.StringGetAsync(Keys.Generation), await Db.StringGetAsync(Keys.Clock)).Should().BeFalse();
        (await generation.LostAsync()).Should().BeTrue("an empty Redis");
        generation.WentBack.Should().BeFalse();
    }

    [Fact]
    public async Task ConnectionRenewWritesNothingWhereTheRecordIsGoneUnderTheOwnersLeaseOrNone()
    {
        var session = Keys.SessionByHash("s1");
        await Db.HashSetAsync(session, "address", "127.0.0.1");
        RedisKey[] keys = [Keys.Lease(Id), Keys.Connection(Id), session, Keys.Log(Id)];
        RedisValue[] args = [Token, 10_000, 60_000, "node-a", 0, "state", "connected"];
        ((long)((RedisResult[])(await Run(RedisScripts.ConnectionRenew, keys, args))!)[0]).Should().Be(-3, "no lease and no record: Redis lost them");
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeFalse("the lease is not taken back for a record that is gone");
        await Db.StringSetAsync(Keys.Lease(Id), Token);
        ((long)((RedisResult[])(await Run(RedisScripts.ConnectionRenew, keys, args))!)[0]).Should().Be(-3, "the owner's lease, and no record");
        (await Db.KeyExistsAsync(Keys.Connection(Id))).Should().BeFalse("no record of a heartbeat's fields alone is written");
        await Db.StringSetAsync(Keys.Lease(Id), "node-b:g2");
        ((long)((RedisResult[])(await Run(RedisScripts.ConnectionRenew, keys, args))!)[0]).Should().Be(-1, "another node's lease: the connection moved");
    }

    private RedisKey[] RebuildKeys => [Keys.Lease(Id), Keys.Connection(Id), Keys.LeaseExpiries, Keys.Connections, Keys.Log(Id), Keys.Generation];

    private async Task<(long Outcome, long Top)> Rebuild(string token, string generation, params RedisValue[] fields)
    {
        var answer = (RedisResult[])(await Run(RedisScripts.ConnectionRebuild, RebuildKeys, [token, 10_000, 60_000, Id, generation, .. fields]))!;
        return ((long)answer[0], (long)answer[1]);
    }

    [Fact]
    public async Task ConnectionRebuildPutsTheLeaseAndRecordBackTogetherAndNeverOverwritesAnotherNodesLease()
    {
        await Db.StringSetAsync(Keys.Generation, Generation);
        (await Rebuild(Token, "g-0", "owner", "node-a")).Should().Be((-2, 0), "Redis lost its data again since the node looked: nothing is written");
        (await Db.KeyExistsAsync(Keys.Lease(Id))).Should().BeFalse();

        (await Rebuild(Token, Generation, "owner", "node-a", "nick", "alice")).Should().Be((1, 0));
        ((string?)await Db.StringGetAsync(Keys.Lease(Id))).Should().Be(Token, "the same token, so the owner's fenced appends go on");
        (await Db.KeyTimeToLiveAsync(Keys.Lease(Id))).Should().BeGreaterThan(TimeSpan.FromSeconds(5));
        (await Db.HashGetAsync(Keys.Connection(Id), "nick")).Should().Be((RedisValue)"alice");
        (await Db.KeyTimeToLiveAsync(Keys.Connection(Id))).Should().BeGreaterThan(TimeSpan.FromSeconds(30));
        (await Db.SetContainsAsync(Keys.Connections, Id)).Should().BeTrue();
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().Be(0, "due at once: the next scan puts in the lease's real expiry");

        await Db.HashSetAsync(Keys.Connection(Id), "nick", "alice_");
        await Db.SortedSetAddAsync(Keys.LeaseExpiries, Id, 12345);
        await Db.StreamAddAsync(Keys.Log(Id), [new("t", "x"), new("j", "{}")], "7-0");
        await Db.HashSetAsync(Keys.Connection(Id), "owner", "node-c");
        (await Rebuild(Token, Generation, "owner", "node-a", "nick", "alice")).Should().Be((0, 7), "nothing was missing; the answer says where the stream ends");
        (await Db.HashGetAsync(Keys.Connection(Id), "nick")).Should().Be((RedisValue)"alice",
            "the owner's word replaces a record an older copy of Redis held");
        (await Db.HashGetAsync(Keys.Connection(Id), "owner")).Should().Be((RedisValue)"node-a");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().Be(12345);

        await Db.StringSetAsync(Keys.Lease(Id), "node-b:g2");
        await Db.KeyDeleteAsync(Keys.Connection(Id));
        (await Rebuild(Token, Generation, "owner", "node-a")).Should().Be((-1, 7), "node b holds the connection now");
        (await Db.KeyExistsAsync(Keys.Connection(Id))).Should().BeFalse("no record is written beside another node's lease");
    }

    [Fact]
    public async Task AConnectionRebuiltIsNoOrphanForTheTakeoverScan()
    {
        await Db.StringSetAsync(Keys.Generation, Generation);
        await Rebuild(Token, Generation, "owner", "node-a");
        var scan = (RedisResult[])(await Run(RedisScripts.TakeoverScan, [Keys.LeaseExpiries, Keys.Connections],
            Keys.ConnectionKeyHead, RedisKeys.ConnectionKeySuffix(RedisKeys.LeasePart), RedisKeys.ConnectionKeySuffix(RedisKeys.ConnectionPart),
            RedisKeys.ConnectionKeySuffix(RedisKeys.LogEndPart), "node-b:handover:", 100))!;
        ((string[])scan[0]!).Should().BeEmpty("the record came back with its owner's lease");
        (await Db.SortedSetScoreAsync(Keys.LeaseExpiries, Id)).Should().BeGreaterThan(0, "the scan put in the lease's real expiry");
    }

    [Fact]
    public async Task SessionRebuildCreatesMergesTheConnectionsOfEveryNodeAndKeepsTheLongestLife()
    {
        var session = Keys.SessionByHash("s1");
        RedisKey[] keys = [session, Keys.Sessions, Keys.SessionsFrom("10.0.0.1")];
        ((long)await Run(RedisScripts.SessionRebuild, keys, 60_000, "10.0.0.1", "c1")).Should().Be(1);
        (await Db.HashGetAsync(session, "address")).Should().Be((RedisValue)"10.0.0.1");
        (await Db.HashGetAsync(session, "connections")).Should().Be((RedisValue)"c1");
        (await Db.SortedSetScoreAsync(Keys.Sessions, session.ToString())).Should().NotBeNull("it counts as a live session");
        (await Db.SortedSetScoreAsync(Keys.SessionsFrom("10.0.0.1"), session.ToString())).Should().NotBeNull();

        ((long)await Run(RedisScripts.SessionRebuild, keys, 5_000, "10.0.0.1", "c2", "c1")).Should().Be(0, "another node's part of the same session");
        (await Db.HashGetAsync(session, "connections")).Should().Be((RedisValue)"c1 c2");
        (await Db.KeyTimeToLiveAsync(session)).Should().BeGreaterThan(TimeSpan.FromSeconds(30), "the longer life one node knew is kept");
        ((long)await Run(RedisScripts.SessionRebuild, keys, 120_000, "10.0.0.1")).Should().Be(0);
        (await Db.KeyTimeToLiveAsync(session)).Should().BeGreaterThan(TimeSpan.FromSeconds(90));

        var unknown = Keys.SessionByHash("s2");
        ((long)await Run(RedisScripts.SessionRebuild, [unknown, Keys.Sessions, Keys.SessionsFrom("")], 60_000, "", "c3")).Should().Be(1);
        (await Db.KeyExistsAsync(Keys.SessionsFrom(""))).Should().BeFalse("a session whose address no node knows counts for no address");
    }

    [Fact]
    public async Task KeyRingRestoreAddsOnlyTheKeysThatAreMissing()
    {
        await Db.ListRightPushAsync(Keys.DataProtectionKeys, "<key id=\"new\" />");
        ((long)await Run(RedisScripts.KeyRingRestore, [Keys.DataProtectionKeys], "<key id=\"old\" />", "<key id=\"new\" />")).Should().Be(1);
        (await Db.ListRangeAsync(Keys.DataProtectionKeys)).Select(v => (string?)v).Should().Equal("<key id=\"new\" />", "<key id=\"old\" />");
    }

    [Fact]
    public async Task ConnectionRenewAnswersTheSessionsTimeToLive()
    {
        var session = Keys.SessionByHash("s1");
        await Db.HashSetAsync(session, "address", "127.0.0.1");
        await Db.KeyExpireAsync(session, TimeSpan.FromMinutes(7));
        await Db.StringSetAsync(Keys.Lease(Id), Token);
        await Db.HashSetAsync(Keys.Connection(Id), "owner", "node-a");
        var answer = (RedisResult[])(await Run(RedisScripts.ConnectionRenew, [Keys.Lease(Id), Keys.Connection(Id), session, Keys.Log(Id)],
            Token, 10_000, 60_000, "node-a", 0, "state", "connected"))!;
        ((long)answer[0]).Should().Be(1);
        TimeSpan.FromMilliseconds((long)answer[2]).Should().BeCloseTo(TimeSpan.FromMinutes(7), TimeSpan.FromSeconds(30),
            "what the owner would put the session back with if Redis lost its data");
    }
}

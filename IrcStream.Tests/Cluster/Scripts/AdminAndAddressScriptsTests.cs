using IrcStream.Api.Cluster;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster.Scripts;

/// <summary>The Lua scripts of the admin API and the shared per-address limits, each run by itself against a real redis-server.</summary>
[Collection("Redis")]
public sealed class AdminAndAddressScriptsTests(RedisFixture fixture) : ScriptTests(fixture, "address-scripts")
{

    [Fact]
    public async Task AddressRateAllowsTheLimitPerWindowAndSaysWhenTheWindowEnds()
    {
        RedisKey[] keys = [Keys.ConnectionsFrom("2001:db8::/64")];
        for (var i = 0; i < 2; i++) ((int)(await Run(RedisScripts.AddressRate, keys, 2, 60_000))[0]).Should().Be(1);
        var refused = await Run(RedisScripts.AddressRate, keys, 2, 60_000);
        ((int)refused[0]).Should().Be(0);
        ((long)refused[1]).Should().BeInRange(1, 60_000);
        (await Db.KeyTimeToLiveAsync(keys[0])).Should().NotBeNull("the window expires with its count");
    }

    [Fact]
    public async Task AddressStreamsTakeHoldsAtMostTheBoundAndDropsExpiredSlots()
    {
        RedisKey[] keys = [Keys.StreamsFrom("198.51.100.7")];
        ((int)await Run(RedisScripts.AddressStreamsTake, keys, 2, "a:1", 60_000)).Should().Be(1);
        ((int)await Run(RedisScripts.AddressStreamsTake, keys, 2, "b:1", 60_000)).Should().Be(1);
        ((int)await Run(RedisScripts.AddressStreamsTake, keys, 2, "a:2", 60_000)).Should().Be(0);
        // A slot its node no longer renews has expired: it no longer counts.
        await Db.SortedSetAddAsync(keys[0], "b:1", 0);
        ((int)await Run(RedisScripts.AddressStreamsTake, keys, 2, "a:2", 60_000)).Should().Be(1);
        (await Db.SortedSetRangeByRankAsync(keys[0])).Select(m => (string)m!).Should().BeEquivalentTo(["a:1", "a:2"]);
    }

    [Fact]
    public async Task AddressStreamsRenewMovesTheExpiryAndPutsBackAnExpiredSlot()
    {
        RedisKey[] keys = [Keys.StreamsFrom("198.51.100.8")];
        await Run(RedisScripts.AddressStreamsTake, keys, 5, "a:1", 1_000);
        ((int)await Run(RedisScripts.AddressStreamsRenew, keys, "a:1", 60_000)).Should().Be(1);
        (await Db.SortedSetScoreAsync(keys[0], "a:1")).Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 30_000);
        ((int)await Run(RedisScripts.AddressStreamsRenew, keys, "a:9", 60_000)).Should().Be(0, "it was gone; it is back");
        (await Db.SortedSetLengthAsync(keys[0])).Should().Be(2);
    }

    [Fact]
    public async Task SessionEndDeletesTheSessionAndItsCountsAndAnswersItsConnections()
    {
        var session = Keys.SessionByHash("abc");
        await Db.HashSetAsync(session, [new("address", "198.51.100.7"), new("connections", "c1 c2")]);
        await Db.SortedSetAddAsync(Keys.Sessions, session.ToString(), 1);
        await Db.SortedSetAddAsync(Keys.SessionsFrom("198.51.100.7"), session.ToString(), 1);

        ((string?)await Run(RedisScripts.SessionEnd, [session, Keys.Sessions], Keys.SessionsFromPrefix)).Should().Be("c1 c2");
        (await Db.KeyExistsAsync(session)).Should().BeFalse();
        (await Db.SortedSetLengthAsync(Keys.Sessions)).Should().Be(0);
        (await Db.SortedSetLengthAsync(Keys.SessionsFrom("198.51.100.7"))).Should().Be(0);
        (await Run(RedisScripts.SessionEnd, [session, Keys.Sessions], Keys.SessionsFromPrefix)).IsNull.Should().BeTrue("there is no such session any more");
    }
}

using System.Security.Cryptography;
using IrcStream.Api.Guard;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The guard's shared state in Redis, so a challenge is used once across every node, every node signs with one key,
/// and an address's connections are counted over all nodes: <c>{prefix}:challenge-key</c> (created once, SET NX),
/// <c>{prefix}:challenge-used:{id}</c> (SET NX, expiring with the challenge), <c>{prefix}:connections-hour:{hour}:{address}</c>
/// (INCR, expiring after two hours).
/// </summary>
internal sealed class RedisGuardStore(IConnectionMultiplexer redis, RedisKeys keys) : IGuardStore
{
    private static readonly TimeSpan CountKept = TimeSpan.FromHours(2);

    private readonly IDatabase _db = redis.GetDatabase();
    private byte[]? _key;

    public async ValueTask<byte[]> ChallengeKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } known) return known;
        var name = (RedisKey)$"{keys.Prefix}:challenge-key";
        // The first node to start writes one; every node then reads that one.
        await _db.StringSetAsync(name, RandomNumberGenerator.GetBytes(32), when: When.NotExists).ConfigureAwait(false);
        var stored = (byte[]?)await _db.StringGetAsync(name).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Redis holds no {name} right after it was written.");
        return _key = stored;
    }

    public async Task<bool> TryUseAsync(string challengeId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var left = expires - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero) left = TimeSpan.FromSeconds(1);
        return await _db.StringSetAsync($"{keys.Prefix}:challenge-used:{challengeId}", 1, left, When.NotExists).ConfigureAwait(false);
    }

    public async Task<long> CountConnectionAsync(string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = (RedisKey)$"{keys.Prefix}:connections-hour:{now.ToUnixTimeSeconds() / 3600}:{address}";
        var batch = _db.CreateBatch();
        var count = batch.StringIncrementAsync(key);
        var expire = batch.KeyExpireAsync(key, CountKept);
        batch.Execute();
        await expire.ConfigureAwait(false);
        return await count.ConfigureAwait(false);
    }
}

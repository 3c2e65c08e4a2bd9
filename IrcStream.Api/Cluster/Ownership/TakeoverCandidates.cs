using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>What one takeover round found: the connections nobody holds, and those handed to this node with their tokens.</summary>
internal sealed record TakeoverRound(IReadOnlyList<string> Orphans, IReadOnlyList<(string Id, string Token)> Handed);

/// <summary>
/// Finds, in one Redis call a round, the connections a node may take over: those whose lease is gone while their record
/// is there and their log has not ended (orphans), and those a stopping node handed to this node. It reads only the
/// connections <see cref="RedisKeys.LeaseExpiries"/> says are due (their lease may have run out, or was handed over or
/// deleted), not every lease, so what a round costs Redis grows with the connections that are due, not with all of
/// them times the nodes.
/// </summary>
/// <remarks>
/// The index is kept lazily: renewals do not touch it (that would be a write per connection per second). A due
/// connection whose lease is still held gets its lease's real expiry as its score, so each live connection comes due
/// about once per lease timeout, and one node's script reads it then. A score is never later than the lease's real
/// expiry: renewals only lengthen a lease, and what shortens or removes one (hand over, delete) sets the score to 0.
/// The script builds each connection's keys from the prefix and the id, so it touches keys it does not declare: it needs
/// one Redis primary, as the rest of Redis mode does (not Redis Cluster).
/// </remarks>
internal sealed class TakeoverCandidates(IConnectionMultiplexer redis, RedisKeys keys, GatewayNode node)
{
    /// <summary>How many due connections one round reads at most; more are read in the next rounds (the earliest due first).</summary>
    public const int MostPerRound = 10_000;

    private readonly IDatabase _db = redis.GetDatabase();

    /// <summary>One round's candidates.</summary>
    public async Task<TakeoverRound> FindAsync()
    {
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.TakeoverScan, [keys.LeaseExpiries, keys.Connections],
            [keys.ConnectionKeyHead, RedisKeys.ConnectionKeySuffix(RedisKeys.LeasePart), RedisKeys.ConnectionKeySuffix(RedisKeys.ConnectionPart),
             RedisKeys.ConnectionKeySuffix(RedisKeys.LogEndPart), node.Id + ConnectionLeases.HandoverMark, MostPerRound]).ConfigureAwait(false))!;
        var orphans = (string[])result[0]!;
        var handed = (string[])result[1]!;
        var tokens = (string[])result[2]!;
        return new TakeoverRound(orphans, handed.Select((id, i) => (id, tokens[i])).ToArray());
    }

    /// <summary>Has the next round look at the connection at once (a stopping node said it handed it to this node).</summary>
    public Task LookNowAsync(string connectionId) =>
        _db.SortedSetAddAsync(keys.LeaseExpiries, connectionId, 0, SortedSetWhen.LessThan);

    /// <summary>A connection there is nothing to take over of (closed for good, or its record expired): no round looks at it again.</summary>
    public async Task RemoveAsync(string connectionId)
    {
        var batch = _db.CreateBatch();
        var unindexed = batch.SortedSetRemoveAsync(keys.LeaseExpiries, connectionId);
        var unlisted = batch.SetRemoveAsync(keys.Connections, connectionId);
        batch.Execute();
        await Task.WhenAll(unindexed, unlisted).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts every connection of <see cref="RedisKeys.Connections"/> that the index lacks into it, due at once (the next
    /// round then sets its real expiry): what nodes from before the index recorded. Run once as the node starts.
    /// </summary>
    public async Task IndexListedAsync(CancellationToken cancellationToken)
    {
        var page = new List<RedisValue>(500);
        await foreach (var id in _db.SetScanAsync(keys.Connections, pageSize: 500).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            page.Add(id);
            if (page.Count == 500) await AddAsync().ConfigureAwait(false);
        }
        await AddAsync().ConfigureAwait(false);

        async Task AddAsync()
        {
            if (page.Count == 0) return;
            await _db.SortedSetAddAsync(keys.LeaseExpiries, page.Select(id => new SortedSetEntry(id, 0)).ToArray(), SortedSetWhen.NotExists).ConfigureAwait(false);
            page.Clear();
        }
    }
}

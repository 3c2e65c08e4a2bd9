using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Whether Redis still holds what this node wrote into it. Redis keeps one marker, <see cref="RedisKeys.Generation"/>:
/// a random value that the first node to find it missing writes, with no expiry. A Redis restarted without persistence,
/// or flushed, comes back without it; the next node to look writes a new one, and every node that saw the old value
/// knows from then on that the data it wrote is gone (a Redis restarted with its data, or a failover to a replica,
/// keeps the marker: nothing to rebuild). Beside it a count, <see cref="RedisKeys.Clock"/>, that every look moves on by
/// one: a Redis that went back to an older copy of its data (restarted from an older RDB snapshot) keeps the marker, but
/// its count is back where the snapshot had it, at or below what a node saw since, so the node knows its newer writes
/// are gone. A node that finds a record of its own gone with its lease (<see cref="FoundMissing"/>) knows it too, even
/// when no look came between the snapshot and the restart. Run Redis with <c>maxmemory-policy noeviction</c> (or a
/// <c>volatile-*</c> policy): a marker evicted under memory pressure makes every node rebuild for nothing (harmless: a
/// rebuild only puts back what this node holds).
/// </summary>
internal sealed class RedisGeneration(IConnectionMultiplexer redis, RedisKeys keys)
{
    private readonly Lock _gate = new();
    private string? _known;
    private long _clock;
    private bool _lost;
    private bool _wentBack;

    /// <summary>The generation this node last saw; null before its first look.</summary>
    public string? Known
    {
        get
        {
            lock (_gate) return _known;
        }
    }

    /// <summary>True when the loss still to rebuild is Redis having gone back to an older copy of its data, not an empty Redis.</summary>
    public bool WentBack
    {
        get
        {
            lock (_gate) return _wentBack;
        }
    }

    /// <summary>
    /// Looks at the marker and moves the count on (one round trip). True when Redis lost its data, or went back to an
    /// older copy, since this node's first look, and this node has not rebuilt for the generation it sees now
    /// (<see cref="Rebuilt"/>); the first look itself is never a loss.
    /// </summary>
    public async Task<bool> LostAsync()
    {
        var answer = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.GenerationCheck, [keys.Generation, keys.Clock],
            [Guid.NewGuid().ToString("N")]).ConfigureAwait(false))!;
        var (current, clock) = ((string)answer[0]!, (long)answer[1]);
        lock (_gate)
        {
            if (_known is not null && _known != current) _lost = true;
            else if (_known is not null && clock <= _clock)
            {
                // The count moves on with every look: at or below one this node saw, Redis went back in time.
                _lost = true;
                _wentBack = true;
            }
            _known = current;
            _clock = clock;
            return _lost;
        }
    }

    /// <summary>
    /// This node found something of its own gone that only a loss explains (a record and lease of a connection it holds):
    /// the next look reports a loss, and the node rebuilds.
    /// </summary>
    public void FoundMissing()
    {
        lock (_gate)
        {
            if (_known is null) return;
            _lost = true;
            _wentBack = true;
        }
    }

    /// <summary>
    /// Whether what was read together with <paramref name="marker"/> and <paramref name="clock"/> (their values in the
    /// same batch) is the data this node has been seeing, so the node may take it as the truth to remember: false after
    /// a loss until this node rebuilt (<see cref="Rebuilt"/>), and for a read of a Redis whose marker is missing or new, or
    /// whose count is below what this node saw. Before its first look the node remembers nothing, so anything is the truth.
    /// </summary>
    public bool IsCurrent(RedisValue marker, RedisValue clock)
    {
        lock (_gate) return _known is null || (!_lost && marker == _known && (long)clock >= _clock);
    }

    /// <summary>Everything this node holds is back in Redis for <paramref name="generation"/>; a newer loss is still one.</summary>
    public void Rebuilt(string generation)
    {
        lock (_gate)
        {
            if (_known != generation) return;
            _lost = false;
            _wentBack = false;
        }
    }
}

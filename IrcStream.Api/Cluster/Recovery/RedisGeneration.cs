using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Whether Redis still holds what this node wrote into it. Redis keeps one marker, <see cref="RedisKeys.Generation"/>:
/// a random value that the first node to find it missing writes, with no expiry. A Redis restarted without persistence,
/// or flushed, comes back without it; the next node to look writes a new one, and every node that saw the old value
/// knows from then on that the data it wrote is gone (a Redis restarted with its data, or a failover to a replica,
/// keeps the marker: nothing to rebuild). Run Redis with <c>maxmemory-policy noeviction</c> (or a <c>volatile-*</c>
/// policy): a marker evicted under memory pressure makes every node rebuild for nothing (harmless: a rebuild only puts
/// back what is missing).
/// </summary>
internal sealed class RedisGeneration(IConnectionMultiplexer redis, RedisKeys keys)
{
    private readonly Lock _gate = new();
    private string? _known;
    private bool _lost;

    /// <summary>The generation this node last saw; null before its first look.</summary>
    public string? Known
    {
        get
        {
            lock (_gate) return _known;
        }
    }

    /// <summary>
    /// Looks at the marker (one round trip). True when Redis lost its data since this node's first look and this node has
    /// not rebuilt for the generation it sees now (<see cref="Rebuilt"/>); the first look itself is never a loss.
    /// </summary>
    public async Task<bool> LostAsync()
    {
        var current = (string)(await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.GenerationCheck, [keys.Generation], [Guid.NewGuid().ToString("N")]).ConfigureAwait(false))!;
        lock (_gate)
        {
            if (_known is not null && _known != current) _lost = true;
            _known = current;
            return _lost;
        }
    }

    /// <summary>
    /// Whether what was read together with <paramref name="marker"/> (the marker's value in the same batch) is the data
    /// this node has been seeing, so the node may take it as the truth to remember: false after a loss until this node
    /// rebuilt (<see cref="Rebuilt"/>), and for a read of a Redis whose marker is missing or new. Before its first look
    /// the node remembers nothing, so anything is the truth.
    /// </summary>
    public bool IsCurrent(RedisValue marker)
    {
        lock (_gate) return _known is null || (!_lost && marker == _known);
    }

    /// <summary>Everything this node holds is back in Redis for <paramref name="generation"/>; a newer loss is still one.</summary>
    public void Rebuilt(string generation)
    {
        lock (_gate)
        {
            if (_known == generation) _lost = false;
        }
    }
}

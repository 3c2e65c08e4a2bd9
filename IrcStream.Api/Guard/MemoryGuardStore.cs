using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace IrcStream.Api.Guard;

/// <summary>The guard's shared state for a gateway of one process.</summary>
internal sealed class MemoryGuardStore(TimeProvider time) : IGuardStore
{
    private const int SweepAbove = 10_000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Address, long Hour), long> _counts = new();

    public ValueTask<byte[]> ChallengeKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_key);

    public Task<bool> TryUseAsync(string challengeId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (_used.Count > SweepAbove)
        {
            var now = time.GetUtcNow();
            foreach (var (id, until) in _used)
            {
                if (until <= now) _used.TryRemove(id, out _);
            }
        }
        return Task.FromResult(_used.TryAdd(challengeId, expires));
    }

    public Task<long> CountConnectionAsync(string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        if (_counts.Count > SweepAbove)
        {
            foreach (var key in _counts.Keys)
            {
                if (key.Hour < hour) _counts.TryRemove(key, out _);
            }
        }
        return Task.FromResult(_counts.AddOrUpdate((address, hour), 1, (_, count) => count + 1));
    }
}

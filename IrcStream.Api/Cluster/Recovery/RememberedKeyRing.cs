using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The Data Protection key ring in Redis (<see cref="RedisKeys.DataProtectionKeys"/>, read and written by
/// <paramref name="ring"/>), remembered as this node read and wrote it, so that after Redis lost its data the node can
/// put the keys back (<see cref="RestoreAsync"/>): the secrets in connection records that other nodes encrypted, and
/// that this node rebuilds encrypted, stay readable by every node. Nothing new is exposed: these are the keys Redis
/// held anyway, and Data Protection's own cache holds them in this node's memory already.
/// </summary>
internal sealed class RememberedKeyRing(IXmlRepository ring, IConnectionMultiplexer redis, RedisKeys keys) : IXmlRepository
{
    private readonly ConcurrentDictionary<string, byte> _elements = new(StringComparer.Ordinal);

    /// <summary>How many keys this node remembers.</summary>
    public int Count => _elements.Count;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = ring.GetAllElements();
        foreach (var element in elements) Remember(element);
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ring.StoreElement(element, friendlyName);
        Remember(element);
    }

    /// <summary>Puts every key this node remembers back into Redis where it is missing; returns how many were.</summary>
    public async Task<int> RestoreAsync()
    {
        if (_elements.IsEmpty) return 0;
        return (int)await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.KeyRingRestore, [keys.DataProtectionKeys],
            _elements.Keys.Select(e => (RedisValue)e).ToArray()).ConfigureAwait(false);
    }

    // As the Redis repository stores an element: unformatted.
    private void Remember(XElement element) => _elements.TryAdd(element.ToString(SaveOptions.DisableFormatting), 0);
}

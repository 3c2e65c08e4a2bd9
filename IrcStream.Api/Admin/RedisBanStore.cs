using System.Text.Json;
using System.Text.Json.Serialization;
using IrcStream.Api.Cluster;
using StackExchange.Redis;

namespace IrcStream.Api.Admin;

/// <summary>
/// The bans of every node, in one Redis hash (<c>{prefix}:bans</c>, ban id to its JSON): a ban added on one node is
/// read by the next check on any other. Every node judges a ban's end by its own clock (a few seconds of skew
/// between nodes moves a ban's end by as much); an ended ban is dropped when the list is next read.
/// </summary>
internal sealed class RedisBanStore(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time) : IBanStore
{
    private readonly IDatabase _db = redis.GetDatabase();
    private readonly RedisKey _bans = keys.Bans;

    public Task AddAsync(Ban ban, CancellationToken cancellationToken) =>
        _db.HashSetAsync(_bans, ban.Id, JsonSerializer.Serialize(ban, BanJson.Default.Ban));

    public async Task<IReadOnlyList<Ban>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = await _db.HashGetAllAsync(_bans).ConfigureAwait(false);
        var bans = new List<Ban>(entries.Length);
        var ended = new List<RedisValue>();
        foreach (var entry in entries)
        {
            if (JsonSerializer.Deserialize((string)entry.Value!, BanJson.Default.Ban) is { } ban && ban.Ends > now) bans.Add(ban);
            else ended.Add(entry.Name);
        }
        if (ended.Count > 0) await _db.HashDeleteAsync(_bans, [.. ended]).ConfigureAwait(false);
        bans.Sort((a, b) => a.Created.CompareTo(b.Created));
        return bans;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await _db.HashGetAsync(_bans, id).ConfigureAwait(false);
        if (stored.IsNull) return false;
        await _db.HashDeleteAsync(_bans, id).ConfigureAwait(false);
        return JsonSerializer.Deserialize((string)stored!, BanJson.Default.Ban) is { } ban && ban.Ends > time.GetUtcNow();
    }
}

[JsonSerializable(typeof(Ban))]
internal sealed partial class BanJson : JsonSerializerContext;

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
/// <remarks>
/// Each node remembers the list as it last read or wrote it, and the bans it saw lifted (until they would have ended),
/// so that after Redis lost its data, or went back to an older copy, it can put the list back (<see cref="RestoreAsync"/>).
/// A read is remembered only when Redis still holds the data this node has been seeing (the generation marker and count
/// read in the same round trip, <see cref="RedisGeneration.IsCurrent"/>): an empty list read from a Redis that has just lost its
/// data is not a list whose bans were all lifted, nor is an older copy's list one whose newer bans were lifted. Meanwhile a read answers the bans in Redis together with those this
/// node remembers, so a banned address is not let in while the nodes put the list back. The heartbeat reads the list
/// every <see cref="RefreshInterval"/>, so a node that serves no request knows of bans made and lifted elsewhere.
/// </remarks>
internal sealed class RedisBanStore(IConnectionMultiplexer redis, RedisKeys keys, RedisGeneration generation, TimeProvider time) : IBanStore
{
    /// <summary>How often the heartbeat reads the list when no request did (<see cref="RefreshIfDueAsync"/>).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly RedisKey _bans = keys.Bans;
    private readonly Lock _gate = new();
    private Dictionary<string, Ban> _known = new(StringComparer.Ordinal);
    // Bans this node saw lifted, until they would have ended: an older copy of Redis may hold them again.
    private readonly Dictionary<string, DateTimeOffset> _lifted = new(StringComparer.Ordinal);
    private long _read = long.MinValue;
    // Counts this node's own adds and lifts: a read sent before one of them does not know of it, and is not learned from.
    private long _changes;

    public async Task AddAsync(Ban ban, CancellationToken cancellationToken)
    {
        await _db.HashSetAsync(_bans, ban.Id, JsonSerializer.Serialize(ban, BanJson.Default.Ban)).ConfigureAwait(false);
        lock (_gate)
        {
            _known[ban.Id] = ban;
            _lifted.Remove(ban.Id);
            _changes++;
        }
    }

    public async Task<IReadOnlyList<Ban>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        long changes;
        lock (_gate) changes = _changes;
        var batch = _db.CreateBatch();
        var read = batch.HashGetAllAsync(_bans);
        var marker = batch.StringGetAsync(keys.Generation);
        var clock = batch.StringGetAsync(keys.Clock);
        batch.Execute();
        var entries = await read.ConfigureAwait(false);
        var current = generation.IsCurrent(await marker.ConfigureAwait(false), await clock.ConfigureAwait(false));
        var bans = new Dictionary<string, Ban>(entries.Length, StringComparer.Ordinal);
        var ended = new List<RedisValue>();
        foreach (var entry in entries)
        {
            if (JsonSerializer.Deserialize((string)entry.Value!, BanJson.Default.Ban) is { } ban && ban.Ends > now) bans[ban.Id] = ban;
            else ended.Add(entry.Name);
        }
        if (ended.Count > 0) await _db.HashDeleteAsync(_bans, [.. ended]).ConfigureAwait(false);
        lock (_gate)
        {
            Volatile.Write(ref _read, time.GetTimestamp());
            if (current && changes == _changes) Learn(bans, now);
            // Redis lost its data and the list is not back yet (or this node changed it meanwhile): the bans this node knows still hold.
            else foreach (var (id, ban) in _known) if (ban.Ends > now) bans.TryAdd(id, ban);
        }
        var list = bans.Values.ToList();
        list.Sort((a, b) => a.Created.CompareTo(b.Created));
        return list;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await _db.HashGetAsync(_bans, id).ConfigureAwait(false);
        if (stored.IsNull) return false;
        await _db.HashDeleteAsync(_bans, id).ConfigureAwait(false);
        var ban = JsonSerializer.Deserialize((string)stored!, BanJson.Default.Ban);
        lock (_gate)
        {
            _known.Remove(id);
            if (ban is not null) _lifted[id] = ban.Ends;
            _changes++;
        }
        return ban is not null && ban.Ends > time.GetUtcNow();
    }

    /// <summary>The heartbeat's read of the list, once every <see cref="RefreshInterval"/> in which no request read it.</summary>
    public async Task RefreshIfDueAsync()
    {
        if (time.GetElapsedTime(Volatile.Read(ref _read)) >= RefreshInterval) await ListAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts back every ban in force this node remembers where it is missing, and lifts again those it saw lifted that an
    /// older copy of Redis holds again; returns how many were missing and are back.
    /// </summary>
    public async Task<int> RestoreAsync()
    {
        var now = time.GetUtcNow();
        RedisValue[] args;
        lock (_gate)
        {
            Forget(now);
            args =
            [
                _known.Count,
                .. _known.Values.SelectMany(ban => new RedisValue[] { ban.Id, JsonSerializer.Serialize(ban, BanJson.Default.Ban) }),
                .. _lifted.Keys.Select(id => (RedisValue)id),
            ];
        }
        if (args.Length == 1) return 0;
        return (int)await _db.ScriptEvaluateAsync(RedisScripts.BansRestore, [_bans], args).ConfigureAwait(false);
    }

    /// <summary>Under the gate: the list as read is the truth; a ban remembered in force and no longer listed was lifted (by any node).</summary>
    private void Learn(Dictionary<string, Ban> listed, DateTimeOffset now)
    {
        foreach (var (id, ban) in _known)
        {
            if (!listed.ContainsKey(id) && ban.Ends > now) _lifted[id] = ban.Ends;
        }
        foreach (var id in listed.Keys) _lifted.Remove(id);
        _known = new Dictionary<string, Ban>(listed, StringComparer.Ordinal);
        Forget(now);
    }

    /// <summary>Under the gate: what has ended is neither put back nor lifted again.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (id, ban) in _known) if (ban.Ends <= now) _known.Remove(id);
        foreach (var (id, ends) in _lifted) if (ends <= now) _lifted.Remove(id);
    }
}

[JsonSerializable(typeof(Ban))]
internal sealed partial class BanJson : JsonSerializerContext;

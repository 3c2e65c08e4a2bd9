using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The nodes alive now: those in <see cref="RedisKeys.Nodes"/> whose announcement (<see cref="RedisKeys.Node"/>, renewed
/// by each node's heartbeat, expiring <see cref="NodeHeartbeat.NodeExpiry"/> after its last beat) still exists. A node
/// that stops announcing drops out here; no wall clocks are compared across machines.
/// </summary>
internal sealed class LiveNodes(IConnectionMultiplexer redis, RedisKeys keys)
{
    public async Task<IReadOnlyList<string>> ListAsync()
    {
        var db = redis.GetDatabase();
        var members = (await db.SetMembersAsync(keys.Nodes).ConfigureAwait(false)).Select(m => (string)m!).ToArray();
        var batch = db.CreateBatch();
        var alive = members.Select(m => batch.KeyExistsAsync(keys.Node(m))).ToArray();
        batch.Execute();
        var live = new List<string>(members.Length);
        var gone = new List<RedisValue>();
        for (var i = 0; i < members.Length; i++)
        {
            if (await alive[i].ConfigureAwait(false)) live.Add(members[i]);
            else gone.Add(members[i]);
        }
        // A node that stopped (or crashed) long ago leaves the set here; a node that comes back adds itself again.
        if (gone.Count > 0) await db.SetRemoveAsync(keys.Nodes, [.. gone]).ConfigureAwait(false);
        return live;
    }
}

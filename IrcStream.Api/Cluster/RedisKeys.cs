using IrcStream.Api.Sessions;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Every Redis key and channel name the gateway uses, each shape built here once. A connection's keys carry its id in
/// braces (<c>ircstream:{id}:log</c>), so in Redis Cluster they share a hash slot and one Lua script may touch them
/// all. The takeover scan builds a connection's keys in Lua from <see cref="ConnectionKeyHead"/> and the suffixes
/// (<see cref="ConnectionKeySuffix"/>), which it is given from here.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>What every key of one connection starts with before its id.</summary>
    public string ConnectionKeyHead { get; } = $"{prefix}:{{";

    /// <summary>What a connection's key named <paramref name="part"/> has after its id.</summary>
    public static string ConnectionKeySuffix(string part) => $"}}:{part}";

    private RedisKey ConnectionKey(string connectionId, string part) => string.Concat(ConnectionKeyHead, connectionId, "}:", part);

    internal const string LogPart = "log";
    internal const string LogEndPart = "end";
    internal const string LeasePart = "lease";
    internal const string PendingLinesPart = "pending";
    internal const string LinesWrittenPart = "written";
    internal const string ConnectionPart = "conn";

    /// <summary>The connection's event stream (XADD/XRANGE); entry ids are <c>{seq}-0</c>.</summary>
    public RedisKey Log(string connectionId) => ConnectionKey(connectionId, LogPart);

    /// <summary>Set to the last seq once the connection's log is complete (closed): readers end there.</summary>
    public RedisKey LogEnd(string connectionId) => ConnectionKey(connectionId, LogEndPart);

    /// <summary>The token of the node that owns the connection, a string with a PX expiry.</summary>
    public RedisKey Lease(string connectionId) => ConnectionKey(connectionId, LeasePart);

    /// <summary>The user's lines the owner accepted and has not written yet, a sorted set by line number (<see cref="PendingLines"/>).</summary>
    public RedisKey PendingLines(string connectionId) => ConnectionKey(connectionId, PendingLinesPart);

    /// <summary>The number of the last user line the owner wrote to the IRC server.</summary>
    public RedisKey LinesWritten(string connectionId) => ConnectionKey(connectionId, LinesWrittenPart);

    /// <summary>The connection's record (what any node needs to list it or take it over).</summary>
    public RedisKey Connection(string connectionId) => ConnectionKey(connectionId, ConnectionPart);

    /// <summary>
    /// The ids of every connection with a record, a set. Nodes from before <see cref="LeaseExpiries"/> existed scan it;
    /// a node starting now copies it into that index once (<see cref="TakeoverCandidates.IndexListedAsync"/>).
    /// </summary>
    public RedisKey Connections => $"{Prefix}:connections";

    /// <summary>
    /// When each recorded connection's lease runs out, by Redis's clock (unix ms), or 0 for "look now" (a lease handed
    /// over or deleted): a sorted set, so the takeover scan reads only the connections due, not every lease. A score
    /// may be older than the lease's real expiry (renewals do not touch it), never newer; the scan puts a live lease's
    /// real expiry back when it finds one due (<see cref="TakeoverCandidates"/>).
    /// </summary>
    public RedisKey LeaseExpiries => $"{Prefix}:lease-expiries";

    /// <summary>The ids of the nodes that announced themselves (<see cref="Node"/>); one whose announcement expired is gone.</summary>
    public RedisKey Nodes => $"{Prefix}:nodes";

    /// <summary>Where a stopping node says "connection X is handed to node Y" (<c>{node} {id}</c>), so Y takes it at once.</summary>
    public RedisChannel Handovers => RedisChannel.Literal($"{Prefix}:handovers");

    /// <summary>A session's record, keyed by the SHA-256 of the cookie value: the cookie itself is never stored.</summary>
    public RedisKey Session(string cookieValue) => SessionByHash(SessionCookie.Hash(cookieValue));

    /// <summary>A session's record by the SHA-256 (hex) of its cookie.</summary>
    public RedisKey SessionByHash(string cookieHash) => $"{Prefix}:session:{cookieHash}";

    /// <summary>Live sessions, each scored with the time (ms, Redis's clock) it expires: what <c>MaxSessions</c> counts.</summary>
    public RedisKey Sessions => $"{Prefix}:sessions";

    /// <summary>What <see cref="SessionsFrom"/> puts before the address (the session scripts build the key from the stored address).</summary>
    public string SessionsFromPrefix => $"{Prefix}:sessions-from:";

    /// <summary>Live sessions created from one client address, scored like <see cref="Sessions"/>: what <c>MaxSessionsPerAddress</c> counts.</summary>
    public RedisKey SessionsFrom(string clientAddress) => SessionsFromPrefix + clientAddress;

    /// <summary>Where a node can be reached (its URL, for forwarded requests), while it runs: a string with a PX expiry its heartbeat renews.</summary>
    public RedisKey Node(string nodeId) => NodePrefix + nodeId;

    /// <summary>What <see cref="Node"/> puts before the node id (the forwarding script builds the key from the lease's token).</summary>
    public string NodePrefix => $"{Prefix}:node:";

    /// <summary>The Data Protection key ring every node shares (a list of XML keys), which encrypts the secrets in connection records.</summary>
    public RedisKey DataProtectionKeys => $"{Prefix}:data-protection-keys";

    /// <summary>
    /// The data generation: a random value written once when missing, with no expiry. A node that finds another value
    /// than the one it saw knows Redis lost its data since (restarted without persistence, flushed), and rebuilds what
    /// it holds (<see cref="RedisGeneration"/>).
    /// </summary>
    public RedisKey Generation => $"{Prefix}:generation";

    /// <summary>
    /// A count every node's look at <see cref="Generation"/> moves on by one: lower than a node saw before, Redis went back
    /// to an older copy of its data (restarted from an older snapshot), and the node rebuilds what it holds (<see cref="RedisGeneration"/>).
    /// </summary>
    public RedisKey Clock => $"{Prefix}:clock";

    /// <summary>What readiness writes (with a short expiry) to see that Redis takes writes.</summary>
    public RedisKey Health => $"{Prefix}:health";

    /// <summary>New connections from one client address in the current rate window, across every node (<c>ConnectionRateLimit</c>).</summary>
    public RedisKey ConnectionsFrom(string clientAddress) => $"{Prefix}:connections-from:{clientAddress}";

    /// <summary>Open streams and waiting polls of one client address on every node, a sorted set (<c>MaxStreamsPerAddress</c>).</summary>
    public RedisKey StreamsFrom(string clientAddress) => $"{Prefix}:streams-from:{clientAddress}";

    /// <summary>The admin API's bans, a hash from ban id to its JSON (<see cref="Admin.RedisBanStore"/>).</summary>
    public RedisKey Bans => $"{Prefix}:bans";

    /// <summary>The one pub/sub channel each node subscribes to: "connection X has new events".</summary>
    public RedisChannel Events => RedisChannel.Literal($"{Prefix}:events");
}

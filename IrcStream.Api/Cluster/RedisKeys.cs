using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Every Redis key and channel name the gateway uses, in one place. A connection's keys carry its id in braces
/// (<c>ircstream:{id}:log</c>), so in Redis Cluster they share a hash slot and one Lua script may touch them all.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The connection's event stream (XADD/XRANGE); entry ids are <c>{seq}-0</c>.</summary>
    public RedisKey Log(string connectionId) => $"{Prefix}:{{{connectionId}}}:log";

    /// <summary>The token of the node that owns the connection, a string with a PX expiry.</summary>
    public RedisKey Lease(string connectionId) => $"{Prefix}:{{{connectionId}}}:lease";

    /// <summary>The connection's record (what any node needs to list it or take it over).</summary>
    public RedisKey Connection(string connectionId) => $"{Prefix}:{{{connectionId}}}:conn";

    /// <summary>A session's record, keyed by the SHA-256 of the cookie value: the cookie itself is never stored.</summary>
    public RedisKey Session(string cookieValue) => $"{Prefix}:session:{CookieHash(cookieValue)}";

    /// <summary>The one pub/sub channel each node subscribes to: "connection X has new events".</summary>
    public RedisChannel Events => RedisChannel.Literal($"{Prefix}:events");

    private static string CookieHash(string cookieValue) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cookieValue)));
}

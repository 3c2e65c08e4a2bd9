using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The sessions this node has seen alive lately, with the client address each was created from and when this node
/// last renewed it: what the node needs to put a session back if Redis loses its data (<see cref="RedisRebuild"/>),
/// including a session none of whose connections this node holds (a browser that reads through this node a
/// connection another node holds, or a session whose connections were all closed). The cookie is never kept: a session
/// is known by the hash of its cookie, as in Redis. Each entry knows when the session expires as this node last heard:
/// the idle timeout from a renewal here, or the time Redis said it had left when this node's heartbeat renewed a
/// connection of it. An entry goes once that time has passed, unless this node still holds a connection of it.
/// </summary>
internal sealed class ServedSessions(IOptions<IrcStreamOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<RedisKey, Seen> _seen = new();
    private readonly TimeSpan _idle = options.Value.SessionIdleTimeout;
    private long _pruned = time.GetTimestamp();

    /// <summary>How many sessions this node remembers.</summary>
    public int Count => _seen.Count;

    /// <summary>The session <paramref name="session"/>, created from <paramref name="address"/>, was renewed just now: it lives for the idle timeout from now.</summary>
    public void Renewed(RedisKey session, string address) => _seen[session] = new Seen(address, time.GetTimestamp() + Ticks(_idle));

    /// <summary>
    /// Redis said just now that the session has <paramref name="left"/> to live (it holds a connection of this node), and,
    /// when given, that it was created from <paramref name="address"/>.
    /// </summary>
    public void Lives(RedisKey session, TimeSpan left, string? address = null)
    {
        var expires = time.GetTimestamp() + Ticks(left);
        _seen.AddOrUpdate(session, _ => new Seen(address, expires), (_, seen) => new Seen(address ?? seen.Address, expires));
    }

    /// <summary>The session ended, or is found gone while Redis kept its data: it is not put back.</summary>
    public void Forget(RedisKey session) => _seen.TryRemove(session, out _);

    /// <summary>The address the session was created from, as this node knows it; null when it does not.</summary>
    public string? AddressOf(RedisKey session) => _seen.TryGetValue(session, out var seen) ? seen.Address : null;

    /// <summary>How long the session has left by this node's last word of it (zero or less: it would have expired; null: not known here).</summary>
    public TimeSpan? Left(RedisKey session) => _seen.TryGetValue(session, out var seen) ? LeftOf(seen) : null;

    /// <summary>The sessions with life left, by this node's last word of them.</summary>
    public IReadOnlyList<RedisKey> Alive() => _seen.Where(s => LeftOf(s.Value) > TimeSpan.Zero).Select(s => s.Key).ToArray();

    /// <summary>
    /// Once per idle timeout, drops the sessions whose idle timeout has passed since this node last saw them, except
    /// those <paramref name="held"/> says this node holds a connection of (their address is still needed).
    /// </summary>
    public void PruneIfDue(Func<IReadOnlySet<RedisKey>> held)
    {
        if (time.GetElapsedTime(Volatile.Read(ref _pruned)) < _idle) return;
        Volatile.Write(ref _pruned, time.GetTimestamp());
        var keep = held();
        foreach (var (session, seen) in _seen)
        {
            if (LeftOf(seen) <= TimeSpan.Zero && !keep.Contains(session)) _seen.TryRemove(new KeyValuePair<RedisKey, Seen>(session, seen));
        }
    }

    private TimeSpan LeftOf(Seen seen) => TimeSpan.FromSeconds((seen.Expires - time.GetTimestamp()) / (double)time.TimestampFrequency);

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>What this node knows of a session: its client address (null when only its connections' renewals told of it), and when it expires (a timestamp).</summary>
    private sealed record Seen(string? Address, long Expires);
}

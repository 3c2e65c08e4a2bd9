using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;

namespace IrcStream.Api.Cluster;

/// <summary>
/// What this node knows of the other nodes without Redis: their addresses, read from their announcements while Redis
/// answered and kept through an outage (an announcement expires while Redis is paused, the node behind it does not),
/// and when a node that reaches Redis last asked this one about its connections. Both serve the cases Redis cannot
/// tell apart by itself: whether an owner whose lease lapsed is alive (<see cref="OwnerCheck"/>), and whether this node
/// is cut off from Redis alone (<see cref="CutOffWatch"/>). A node proves to another that it is one of them with
/// <see cref="Proof"/>: the shared Data Protection key ring (kept in memory as well as in Redis) seals it, so nobody
/// outside the cluster can ask which connections a node holds or make a node cut off from Redis think others reach it.
/// </summary>
internal sealed class PeerNodes(GatewayNode node, IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The request header that carries <see cref="Proof"/>.</summary>
    public const string ProofHeader = "X-IrcStream-Node";

    private static readonly TimeSpan ProofLifetime = TimeSpan.FromSeconds(30);
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("IrcStream.Cluster.PeerNodes.v1").ToTimeLimitedDataProtector();

    /// <summary>How long an address is kept after its node was last seen announced: a node gone that long is not asked.</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (string Url, long Seen)> _addresses = new(StringComparer.Ordinal);
    private long _askedAt = long.MinValue;

    /// <summary>The other nodes announced now, with their addresses; the others are kept until <see cref="Forget"/>.</summary>
    public void Announced(IEnumerable<(string Node, string Url)> announced)
    {
        var now = time.GetTimestamp();
        foreach (var (id, url) in announced)
        {
            if (id != node.Id) _addresses[id] = (url, now);
        }
        foreach (var (id, known) in _addresses)
        {
            if (time.GetElapsedTime(known.Seen, now) > Forget) _addresses.TryRemove(id, out _);
        }
    }

    /// <summary>Where <paramref name="nodeId"/> was last announced, or null.</summary>
    public string? AddressOf(string nodeId) => _addresses.TryGetValue(nodeId, out var known) ? known.Url : null;

    /// <summary>Every other node's last known address.</summary>
    public IReadOnlyCollection<string> Addresses => [.. _addresses.Values.Select(a => a.Url)];

    /// <summary>What this node sends to show another node it is one of the cluster's (valid for half a minute).</summary>
    public string Proof() => _protector.Protect(node.Id, time.GetUtcNow() + ProofLifetime);

    /// <summary>True when <paramref name="proof"/> was sealed by a node of this cluster (another one) and has not expired.</summary>
    public bool IsPeer(string? proof)
    {
        if (string.IsNullOrEmpty(proof)) return false;
        try
        {
            var sender = _protector.Unprotect(proof, out var expires);
            return sender != node.Id && expires > time.GetUtcNow();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>A node asked which connections this node holds: it asks only while it reaches Redis.</summary>
    public void AskedByAPeer() => Interlocked.Exchange(ref _askedAt, time.GetTimestamp());

    /// <summary>True when a node that reaches Redis asked this one within <paramref name="within"/>.</summary>
    public bool AskedWithin(TimeSpan within)
    {
        var at = Interlocked.Read(ref _askedAt);
        return at != long.MinValue && time.GetElapsedTime(at) <= within;
    }
}

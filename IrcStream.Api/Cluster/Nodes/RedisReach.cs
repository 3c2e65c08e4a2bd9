using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Whether this node reaches Redis, as its heartbeat finds: a beat that fails, or takes longer than
/// <see cref="SlowBeat"/>, is an outage from the moment it was sent until a beat is answered in time. What depends on it:
/// a node whose own Redis was away lets the owners that were cut off with it take their leases again before it takes any
/// connection over (<see cref="MayTakeOver"/>), and a node that has been without Redis for a lease while other nodes
/// reach it knows it is cut off alone (<see cref="OutageFor"/>, <see cref="CutOffWatch"/>).
/// </summary>
internal sealed class RedisReach(IOptions<IrcStreamOptions> options, TimeProvider time)
{
    /// <summary>A beat answered later than this counts as an outage: the leases last only a few beats.</summary>
    public static readonly TimeSpan SlowBeat = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// How long after its own outage ended a node waits before taking connections over (a lease, <c>LeaseTimeout</c>):
    /// every owner that lost Redis at the same time renews (and takes back) its leases at its next beat, a second apart,
    /// well within it, even where its client found a failed-over primary a few seconds later than this node's did.
    /// </summary>
    public TimeSpan ReFenceGrace { get; } = options.Value.Redis.LeaseTimeout;

    private readonly Lock _gate = new();
    private long? _unansweredSince;
    private bool _failed;
    private long _outageEnded = long.MinValue;

    /// <summary>A beat is sent now; returns its timestamp for <see cref="Answered"/>.</summary>
    public long Sending()
    {
        var now = time.GetTimestamp();
        lock (_gate) _unansweredSince ??= now;
        return now;
    }

    /// <summary>A beat sent at <paramref name="sentAt"/> was answered (every command of it succeeded).</summary>
    public void Answered(long sentAt)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            // Earlier beats went unanswered, or this one was slow: an outage ends now.
            if (time.GetElapsedTime(sentAt, now) > SlowBeat || _unansweredSince < sentAt) _outageEnded = now;
            _unansweredSince = null;
            _failed = false;
        }
    }

    /// <summary>A beat failed: Redis refused it, the connection broke, or it timed out in the client.</summary>
    public void Failed()
    {
        lock (_gate) _failed = _unansweredSince is not null;
    }

    /// <summary>
    /// True while Redis has not answered this node's beats and at least one of them failed outright. A beat merely not
    /// answered yet may be a node starved of CPU that has not read its answer; only a failure shows Redis out of reach.
    /// </summary>
    public bool Unreachable
    {
        get
        {
            lock (_gate) return _unansweredSince is not null && _failed;
        }
    }

    /// <summary>
    /// Redis lost its data (<see cref="RedisRebuild"/>): as after an outage, this node takes nothing over for
    /// <see cref="ReFenceGrace"/>, while every owner puts its leases back.
    /// </summary>
    public void DataLost()
    {
        lock (_gate) _outageEnded = time.GetTimestamp();
    }

    /// <summary>How long Redis has not answered this node's beats (zero while it does).</summary>
    public TimeSpan OutageFor
    {
        get
        {
            lock (_gate) return _unansweredSince is { } since ? time.GetElapsedTime(since) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// True when this node may take over connections whose lease is gone: it reaches Redis now, and has for
    /// <see cref="ReFenceGrace"/>, so an owner that was cut off with it has had its beat to take its leases back.
    /// </summary>
    public bool MayTakeOver
    {
        get
        {
            lock (_gate)
                return _unansweredSince is null && (_outageEnded == long.MinValue || time.GetElapsedTime(_outageEnded) >= ReFenceGrace);
        }
    }
}

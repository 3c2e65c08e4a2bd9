using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's instruments on the <c>IrcStream</c> meter, from the host's <see cref="IMeterFactory"/>: requests
/// forwarded to the node that owns their connection (by outcome), lease renewals that failed, connections taken over
/// and handed over and how long a takeover took, and the event log's round-trip time, failed appends and events lost
/// to a gap. Connections owned are the <c>ircstream.connections</c> gauge, which counts the connections this node holds.
/// </summary>
internal sealed class ClusterMetrics
{
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _renewalsFailed;
    private readonly Counter<long> _takeovers;
    private readonly Histogram<double> _takeoverDuration;
    private readonly Counter<long> _handovers;
    private readonly Histogram<double> _roundTrip;
    private readonly Counter<long> _appendsFailed;
    private readonly Counter<long> _eventsLost;
    private readonly Counter<long> _eventsReappended;
    private readonly Counter<long> _leasesRefenced;
    private readonly Counter<long> _rebuilt;

    public ClusterMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _forwarded = meter.CreateCounter<long>(
            "ircstream.requests.forwarded", "{request}", "Requests forwarded to the node that owns their connection, by outcome (answered, unreachable).");
        _renewalsFailed = meter.CreateCounter<long>(
            "ircstream.lease.renewals.failed", "{renewal}", "Lease renewals that failed: Redis did not answer, or the lease was no longer this node's.");
        _takeovers = meter.CreateCounter<long>(
            "ircstream.takeovers", "{connection}", "Connections this node took over from another node, by reason (crash: its owner stopped renewing the lease and did not answer; redis: its owner, alive, let it go because it could not reach Redis; handover: its owner was stopping).");
        _takeoverDuration = meter.CreateHistogram<double>(
            "ircstream.takeover.duration", "s", "From the moment the previous owner stopped holding a connection (its last lease renewal, or its handover) to REGISTERED on the new owner, by reason.");
        _handovers = meter.CreateCounter<long>(
            "ircstream.handovers", "{connection}", "Connections a stopping node handed to another node (outcome handed), or closed with QUIT because no other node was alive (outcome closed).");
        _roundTrip = meter.CreateHistogram<double>(
            "ircstream.redis.round_trip", "s", "Time from sending a command to Redis to its answer (event log appends and reads), by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _appendsFailed = meter.CreateCounter<long>(
            "ircstream.redis.appends_failed", "{append}", "Event log appends that failed (Redis slow or away); their events stay held in memory and are tried again.");
        _eventsLost = meter.CreateCounter<long>(
            "ircstream.redis.events_lost", "{event}", "Events that left the in-memory hold before Redis took them; readers get a gap over them.");
        _eventsReappended = meter.CreateCounter<long>(
            "ircstream.redis.events_reappended", "{event}", "Events appended again because Redis had lost them (a failover to a replica that had not received them).");
        _leasesRefenced = meter.CreateCounter<long>(
            "ircstream.lease.refenced", "{lease}", "Leases this node took again after they expired while Redis was away or slow, where no other node had written meanwhile.");
        _rebuilt = meter.CreateCounter<long>(
            "ircstream.redis.rebuilt", "{item}", "What this node put back into Redis from its memory after Redis lost its data (restarted without persistence, flushed), by kind (connection: a lease and record; session).");
    }

    public void RequestForwarded(bool answered) =>
        _forwarded.Add(1, new TagList { { "outcome", answered ? "answered" : "unreachable" } });

    public void LeaseRenewalsFailed(int count)
    {
        if (count > 0) _renewalsFailed.Add(count);
    }

    public void TakenOver(string reason) => _takeovers.Add(1, new TagList { { "reason", reason } });

    public void Registered(string reason, TimeSpan sinceLeaseLoss) =>
        _takeoverDuration.Record(sinceLeaseLoss.TotalSeconds, new TagList { { "reason", reason } });

    public void HandedOver(bool handed, int count)
    {
        if (count > 0) _handovers.Add(count, new TagList { { "outcome", handed ? "handed" : "closed" } });
    }

    public static long Start() => Stopwatch.GetTimestamp();

    public void Measured(string operation, long started) =>
        _roundTrip.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public void AppendFailed() => _appendsFailed.Add(1);

    public void Lost(long events) => _eventsLost.Add(events);

    public void Reappended(long events)
    {
        if (events > 0) _eventsReappended.Add(events);
    }

    public void Refenced() => _leasesRefenced.Add(1);

    public void Rebuilt(int connections, int sessions)
    {
        if (connections > 0) _rebuilt.Add(connections, new TagList { { "kind", "connection" } });
        if (sessions > 0) _rebuilt.Add(sessions, new TagList { { "kind", "session" } });
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's instruments on the <c>IrcStream</c> meter, from the host's <see cref="IMeterFactory"/>: requests
/// forwarded to the node that owns their connection (by outcome), and lease renewals that failed. Connections owned
/// are the <c>ircstream.connections</c> gauge, which counts the connections this node holds.
/// </summary>
internal sealed class ClusterMetrics
{
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _renewalsFailed;

    public ClusterMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _forwarded = meter.CreateCounter<long>(
            "ircstream.requests.forwarded", "{request}", "Requests forwarded to the node that owns their connection, by outcome (answered, unreachable).");
        _renewalsFailed = meter.CreateCounter<long>(
            "ircstream.lease.renewals.failed", "{renewal}", "Lease renewals that failed: Redis did not answer, or the lease was no longer this node's.");
    }

    public void RequestForwarded(bool answered) =>
        _forwarded.Add(1, new TagList { { "outcome", answered ? "answered" : "unreachable" } });

    public void LeaseRenewalsFailed(int count)
    {
        if (count > 0) _renewalsFailed.Add(count);
    }
}

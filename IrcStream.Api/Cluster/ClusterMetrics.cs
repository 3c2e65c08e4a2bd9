using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's instruments on the <c>IrcStream</c> meter: requests forwarded to the node that owns their connection
/// (by outcome), and lease renewals that failed. Connections owned are the <c>ircstream.connections</c> gauge, which
/// counts the connections this node holds.
/// </summary>
internal static class ClusterMetrics
{
    private static readonly Meter Meter = new(GatewayMetrics.MeterName);

    private static readonly Counter<long> Forwarded = Meter.CreateCounter<long>(
        "ircstream.requests.forwarded", "{request}", "Requests forwarded to the node that owns their connection, by outcome (answered, unreachable).");

    private static readonly Counter<long> RenewalsFailed = Meter.CreateCounter<long>(
        "ircstream.lease.renewals.failed", "{renewal}", "Lease renewals that failed: Redis did not answer, or the lease was no longer this node's.");

    public static void RequestForwarded(bool answered) =>
        Forwarded.Add(1, new TagList { { "outcome", answered ? "answered" : "unreachable" } });

    public static void LeaseRenewalsFailed(int count)
    {
        if (count > 0) RenewalsFailed.Add(count);
    }
}

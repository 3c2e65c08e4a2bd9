using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's instruments on the <c>IrcStream</c> meter: requests forwarded to the node that owns their connection
/// (by outcome), lease renewals that failed, connections taken over and handed over, and how long a takeover took. Connections owned are the <c>ircstream.connections</c> gauge, which
/// counts the connections this node holds.
/// </summary>
internal static class ClusterMetrics
{
    private static readonly Meter Meter = new(GatewayMetrics.MeterName);

    private static readonly Counter<long> Forwarded = Meter.CreateCounter<long>(
        "ircstream.requests.forwarded", "{request}", "Requests forwarded to the node that owns their connection, by outcome (answered, unreachable).");

    private static readonly Counter<long> RenewalsFailed = Meter.CreateCounter<long>(
        "ircstream.lease.renewals.failed", "{renewal}", "Lease renewals that failed: Redis did not answer, or the lease was no longer this node's.");

    private static readonly Counter<long> Takeovers = Meter.CreateCounter<long>(
        "ircstream.takeovers", "{connection}", "Connections this node took over from another node, by reason (crash: its owner stopped renewing the lease; handover: its owner was stopping).");

    private static readonly Histogram<double> TakeoverDuration = Meter.CreateHistogram<double>(
        "ircstream.takeover.duration", "s", "From the moment the previous owner stopped holding a connection (its last lease renewal, or its handover) to REGISTERED on the new owner, by reason.");

    private static readonly Counter<long> Handovers = Meter.CreateCounter<long>(
        "ircstream.handovers", "{connection}", "Connections a stopping node handed to another node (outcome handed), or closed with QUIT because no other node was alive (outcome closed).");

    public static void TakenOver(string reason) => Takeovers.Add(1, new TagList { { "reason", reason } });

    public static void Registered(string reason, TimeSpan sinceLeaseLoss) =>
        TakeoverDuration.Record(sinceLeaseLoss.TotalSeconds, new TagList { { "reason", reason } });

    public static void HandedOver(bool handed, int count)
    {
        if (count > 0) Handovers.Add(count, new TagList { { "outcome", handed ? "handed" : "closed" } });
    }

    public static void RequestForwarded(bool answered) =>
        Forwarded.Add(1, new TagList { { "outcome", answered ? "answered" : "unreachable" } });

    public static void LeaseRenewalsFailed(int count)
    {
        if (count > 0) RenewalsFailed.Add(count);
    }
}

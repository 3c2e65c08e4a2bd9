using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IrcStream.Domain.Diagnostics;

/// <summary>
/// The IRC engine's instruments on the <c>IrcStream</c> meter: messages received from servers, lines written to
/// them, reconnects. The meter is process-wide, as the runtime's own are, so the engine records without being
/// handed anything; the HTTP side adds its instruments under the same meter name.
/// </summary>
public static class GatewayMetrics
{
    /// <summary>The name every IrcStream instrument is published under; an exporter subscribes to it.</summary>
    public const string MeterName = "IrcStream";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>(
        "ircstream.events.received", "{event}", "IRC messages received from servers, each recorded as a message event.");

    private static readonly Counter<long> LinesSent = Meter.CreateCounter<long>(
        "ircstream.lines.sent", "{line}", "Lines written to IRC servers; origin is user (sent through /lines) or gateway (registration, PONG, JOIN, QUIT).");

    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "ircstream.reconnects", "{reconnect}", "Reconnects scheduled after a failed or lost IRC connection.");

    /// <summary>One message from a server became an event.</summary>
    public static void EventReceived() => EventsReceived.Add(1);

    /// <summary>A write to a server's socket completed with these lines.</summary>
    public static void LinesWritten(int fromUser, int fromGateway)
    {
        if (fromUser > 0) LinesSent.Add(fromUser, new TagList { { "origin", "user" } });
        if (fromGateway > 0) LinesSent.Add(fromGateway, new TagList { { "origin", "gateway" } });
    }

    /// <summary>A connection will try again after a delay.</summary>
    public static void ReconnectScheduled() => Reconnects.Add(1);
}

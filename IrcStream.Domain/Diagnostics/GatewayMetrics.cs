using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IrcStream.Domain.Diagnostics;

/// <summary>
/// The IRC engine's instruments on the <c>IrcStream</c> meter: messages received from servers, lines written to
/// them, reconnects. The meter comes from the host's <see cref="IMeterFactory"/>, so each gateway host (two in
/// one test process, say) counts its own; the HTTP side adds its instruments under the same meter name.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The name every IrcStream instrument is published under; an exporter subscribes to it.</summary>
    public const string MeterName = "IrcStream";

    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _linesSent;
    private readonly Counter<long> _reconnects;

    public GatewayMetrics(IMeterFactory meterFactory)
        : this(meterFactory.Create(MeterName))
    {
    }

    private GatewayMetrics(Meter meter)
    {
        _eventsReceived = meter.CreateCounter<long>(
            "ircstream.events.received", "{event}", "IRC messages received from servers, each recorded as a message event.");
        _linesSent = meter.CreateCounter<long>(
            "ircstream.lines.sent", "{line}", "Lines written to IRC servers; origin is user (sent through /lines) or gateway (registration, PONG, JOIN, QUIT).");
        _reconnects = meter.CreateCounter<long>(
            "ircstream.reconnects", "{reconnect}", "Reconnects scheduled after a failed or lost IRC connection.");
    }

    /// <summary>
    /// Where an engine without a host records (a connection made in a test of the engine alone): a meter of its
    /// own, which nothing reads unless it listens for the <c>IrcStream</c> meter by name.
    /// </summary>
    public static GatewayMetrics Unhosted { get; } = new(new Meter(MeterName));

    /// <summary>One message from a server became an event.</summary>
    public void EventReceived() => _eventsReceived.Add(1);

    /// <summary>A write to a server's socket completed with these lines.</summary>
    public void LinesWritten(int fromUser, int fromGateway)
    {
        if (fromUser > 0) _linesSent.Add(fromUser, new TagList { { "origin", "user" } });
        if (fromGateway > 0) _linesSent.Add(fromGateway, new TagList { { "origin", "gateway" } });
    }

    /// <summary>A connection will try again after a delay.</summary>
    public void ReconnectScheduled() => _reconnects.Add(1);
}

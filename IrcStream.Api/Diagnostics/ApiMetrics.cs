using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Diagnostics;

/// <summary>
/// The HTTP side's instruments on the <c>IrcStream</c> meter (<see cref="GatewayMetrics.MeterName"/>): sessions and
/// IRC connections by state (read from the live sessions when scraped), open event streams, waiting polls, events
/// delivered to browsers, gaps, refused lines. Process-wide like the engine's; each gateway host registers its
/// sessions with <see cref="Observe"/>, so two hosts in one process (tests) add up rather than hide each other.
/// </summary>
internal static class ApiMetrics
{
    public const string Sse = "sse";
    public const string Poll = "poll";

    private static readonly Meter Meter = new(GatewayMetrics.MeterName);
    private static readonly ConcurrentDictionary<Registration, byte> Nodes = new();
    private static readonly ConnectionState[] States = Enum.GetValues<ConnectionState>();

    private static readonly UpDownCounter<long> OpenStreams = Meter.CreateUpDownCounter<long>(
        "ircstream.sse.streams", "{stream}", "Server-Sent Events streams open now.");

    private static readonly UpDownCounter<long> WaitingPolls = Meter.CreateUpDownCounter<long>(
        "ircstream.polls.waiting", "{request}", "Long-polls waiting for an event now.");

    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "ircstream.events.delivered", "{event}", "Events handed to browsers, by transport (sse, poll); gap events included.");

    private static readonly Counter<long> Gaps = Meter.CreateCounter<long>(
        "ircstream.gaps", "{event}", "Gap events delivered: a reader asked for events no longer retained.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "ircstream.lines.refused", "{line}", "Lines refused by POST /lines, by reason (invalid, not_open, queue_full); nothing of such a request is sent.");

    static ApiMetrics()
    {
        Meter.CreateObservableGauge("ircstream.sessions", ObserveSessions, "{session}", "Browser sessions alive now.");
        Meter.CreateObservableGauge("ircstream.connections", ObserveConnections, "{connection}", "IRC connections this node holds now, by state.");
    }

    /// <summary>Counts <paramref name="sessions"/> and the connections the node holds in the gauges until the returned registration is disposed.</summary>
    public static IDisposable Observe(ISessionStore sessions, OwnedConnections owned)
    {
        var registration = new Registration(sessions, owned);
        Nodes.TryAdd(registration, 0);
        return registration;
    }

    public static void StreamOpened() => OpenStreams.Add(1);

    public static void StreamClosed() => OpenStreams.Add(-1);

    /// <summary>Counts a poll as waiting until the returned scope is disposed.</summary>
    public static WaitingPoll PollWaiting()
    {
        WaitingPolls.Add(1);
        return default;
    }

    /// <summary>Counts what a poll returns; gives the events back for the response.</summary>
    public static IReadOnlyList<StoredEvent> PollDelivered(IReadOnlyList<StoredEvent> events)
    {
        EventsDelivered(Poll, events.Count, events.Count(e => e.Type == EventTypes.Gap));
        return events;
    }

    public static void EventsDelivered(string transport, int count, int gaps)
    {
        if (count > 0) Delivered.Add(count, new TagList { { "transport", transport } });
        if (gaps > 0) Gaps.Add(gaps, new TagList { { "transport", transport } });
    }

    /// <summary>Counts a refused request's lines, and says why at Debug (never what the lines say).</summary>
    public static void LinesRefused(ILogger logger, string connectionId, int count, SendOutcome outcome)
    {
        var reason = Reason(outcome);
        Refused.Add(count, new TagList { { "reason", reason } });
        GatewayLog.LinesRefused(logger, connectionId, count, reason);
    }

    private static string Reason(SendOutcome outcome) => outcome switch
    {
        SendOutcome.NotOpen => "not_open",
        SendOutcome.QueueFull => "queue_full",
        _ => "invalid",
    };

    private static int ObserveSessions() => Nodes.Keys.Sum(node => node.Sessions.Count);

    private static IEnumerable<Measurement<int>> ObserveConnections()
    {
        var counts = new int[States.Length];
        foreach (var connection in Nodes.Keys.SelectMany(node => node.Owned.All))
            counts[(int)connection.State]++;
        // Every state is reported, zeros included, so a series does not vanish when its last connection leaves it.
        return States.Select(state => new Measurement<int>(counts[(int)state], new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant())));
    }

    internal readonly struct WaitingPoll : IDisposable
    {
        public void Dispose() => WaitingPolls.Add(-1);
    }

    private sealed class Registration(ISessionStore sessions, OwnedConnections owned) : IDisposable
    {
        public ISessionStore Sessions => sessions;
        public OwnedConnections Owned => owned;

        public void Dispose() => Nodes.TryRemove(this, out _);
    }
}

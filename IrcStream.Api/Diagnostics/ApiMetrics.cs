using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Api.Connections;
using IrcStream.Api.State;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Diagnostics;

/// <summary>
/// The HTTP side's instruments on the <c>IrcStream</c> meter (<see cref="GatewayMetrics.MeterName"/>), from the host's
/// <see cref="IMeterFactory"/>: sessions and IRC connections by state (read from this host's sessions when scraped),
/// open event streams, waiting polls, events delivered to browsers, gaps, refused lines.
/// </summary>
internal sealed class ApiMetrics
{
    public const string Sse = "sse";
    public const string Poll = "poll";

    private static readonly ConnectionState[] States = Enum.GetValues<ConnectionState>();

    private readonly IGatewayState _state;
    private readonly OwnedConnections _owned;
    private readonly UpDownCounter<long> _openStreams;
    private readonly UpDownCounter<long> _waitingPolls;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _refused;

    public ApiMetrics(IMeterFactory meterFactory, IGatewayState state, OwnedConnections owned)
    {
        _state = state;
        _owned = owned;
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _openStreams = meter.CreateUpDownCounter<long>("ircstream.sse.streams", "{stream}", "Server-Sent Events streams open now.");
        _waitingPolls = meter.CreateUpDownCounter<long>("ircstream.polls.waiting", "{request}", "Long-polls waiting for an event now.");
        _delivered = meter.CreateCounter<long>(
            "ircstream.events.delivered", "{event}", "Events handed to browsers, by transport (sse, poll); gap events included.");
        _gaps = meter.CreateCounter<long>("ircstream.gaps", "{event}", "Gap events delivered: a reader asked for events no longer retained.");
        _refused = meter.CreateCounter<long>(
            "ircstream.lines.refused", "{line}", "Lines refused by POST /lines, by reason (invalid, not_open, queue_full); nothing of such a request is sent.");
        meter.CreateObservableGauge("ircstream.sessions", () => _state.SessionCount, "{session}", "Browser sessions alive now.");
        meter.CreateObservableGauge("ircstream.connections", ObserveConnections, "{connection}", "IRC connections this node holds now, by state.");
    }

    public void StreamOpened() => _openStreams.Add(1);

    public void StreamClosed() => _openStreams.Add(-1);

    /// <summary>Counts a poll as waiting until the returned scope is disposed.</summary>
    public WaitingPoll PollWaiting()
    {
        _waitingPolls.Add(1);
        return new WaitingPoll(_waitingPolls);
    }

    /// <summary>Counts what a poll returns; gives the events back for the response.</summary>
    public IReadOnlyList<StoredEvent> PollDelivered(IReadOnlyList<StoredEvent> events)
    {
        EventsDelivered(Poll, events.Count, events.Count(e => e.Type == EventTypes.Gap));
        return events;
    }

    public void EventsDelivered(string transport, int count, int gaps)
    {
        if (count > 0) _delivered.Add(count, new TagList { { "transport", transport } });
        if (gaps > 0) _gaps.Add(gaps, new TagList { { "transport", transport } });
    }

    /// <summary>Counts a refused request's lines, and says why at Debug (never what the lines say).</summary>
    public void LinesRefused(ILogger logger, string connectionId, int count, SendOutcome outcome)
    {
        var reason = Reason(outcome);
        _refused.Add(count, new TagList { { "reason", reason } });
        GatewayLogMessages.LinesRefused(logger, connectionId, count, reason);
    }

    private static string Reason(SendOutcome outcome) => outcome switch
    {
        SendOutcome.NotOpen => "not_open",
        SendOutcome.QueueFull => "queue_full",
        SendOutcome.HoldUnconfirmed => "store_away",
        _ => "invalid",
    };

    private IEnumerable<Measurement<int>> ObserveConnections()
    {
        var counts = new int[States.Length];
        foreach (var connection in _owned.All) counts[(int)connection.State]++;
        // Every state is reported, zeros included, so a series does not vanish when its last connection leaves it.
        return States.Select(state => new Measurement<int>(counts[(int)state], new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant())));
    }

    internal readonly struct WaitingPoll(UpDownCounter<long> waiting) : IDisposable
    {
        public void Dispose() => waiting.Add(-1);
    }
}

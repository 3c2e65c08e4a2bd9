using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Streaming;

/// <summary>
/// After the page is closed the nick stays on IRC for the session's idle time; so that the people in the channel
/// can tell, a connection that no browser has had open (no event stream, no waiting poll on this node) for
/// <c>IrcStream:WebClient:AwayAfter</c> is marked away with <c>AWAY :text</c>, and back (<c>AWAY</c>) when one
/// returns. Fed by <see cref="StreamLimits"/>, which counts those readers. Only connections this node owns are
/// marked: in Redis mode a stream served by another node does not mark or unmark the owner's connection.
/// </summary>
internal sealed class AwayMarker(IOptions<IrcStreamOptions> options, OwnedConnections owned, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    /// <summary>A reader of <paramref name="connectionId"/> began: back from away if it was.</summary>
    public void Opened(string connectionId)
    {
        bool wasAway;
        lock (_gate)
        {
            if (!_watches.TryGetValue(connectionId, out var watch)) _watches[connectionId] = watch = new Watch();
            watch.Open++;
            watch.Timer?.Dispose();
            watch.Timer = null;
            wasAway = watch.Away;
            watch.Away = false;
        }
        if (wasAway) Send(connectionId, "AWAY");
    }

    /// <summary>A reader of <paramref name="connectionId"/> ended: the last one starts the away clock.</summary>
    public void Closed(string connectionId)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(connectionId, out var watch)) return;
            if (--watch.Open > 0) return;
            watch.Timer = time.CreateTimer(static state => ((Pending)state!).Fire(), new Pending(this, connectionId, watch), options.Value.WebClient.AwayAfter, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Values) watch.Timer?.Dispose();
            _watches.Clear();
        }
    }

    private void MarkAway(string connectionId, Watch watch)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(connectionId, out var current) || current != watch || watch.Open > 0 || watch.Away) return;
            watch.Timer?.Dispose();
            watch.Timer = null;
            if (owned.Find(connectionId) is null)
            {
                // Closed, or held by another node: nothing to mark here.
                _watches.Remove(connectionId);
                return;
            }
            watch.Away = true;
        }
        Send(connectionId, "AWAY :" + options.Value.WebClient.AwayText);
    }

    /// <summary>Best effort: a connection that is reconnecting now is simply not marked (the server forgets AWAY with the socket anyway).</summary>
    private void Send(string connectionId, string line) => owned.Find(connectionId)?.Send([line]);

    private sealed class Watch
    {
        public int Open;
        public bool Away;
        public ITimer? Timer;
    }

    private sealed record Pending(AwayMarker Marker, string ConnectionId, Watch Watch)
    {
        public void Fire() => Marker.MarkAway(ConnectionId, Watch);
    }
}

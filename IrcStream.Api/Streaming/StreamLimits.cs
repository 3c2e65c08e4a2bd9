using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Streaming;

/// <summary>
/// Counts what holds a socket and memory while it waits for events (open event streams and waiting polls) per
/// connection and per session on this node, and per client address where the gateway's state is
/// (<see cref="IAddressLimits"/>: this process alone, or every node sharing a Redis, so a client spread over several
/// nodes gets the address bound once, not once per node), so that no client can hold them without bound.
/// A slot is taken before the stream starts or the poll waits and given back exactly once when it ends; one lock
/// keeps the node's two counts and their check-then-take atomic.
/// The per-connection count also tells <see cref="AwayMarker"/> when a connection has no reader left and when one returns.
/// </summary>
internal sealed class StreamLimits(IOptions<IrcStreamOptions> options, AwayMarker away, IAddressLimits addresses)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perSession = new(StringComparer.Ordinal);

    /// <summary>Takes this node's slot for a stream or waiting poll; null (and the problem to answer) when its bound is reached.</summary>
    private IDisposable? TryTake(string connectionId, string session, out ProblemHttpResult? refusal)
    {
        var limits = options.Value;
        lock (_gate)
        {
            // The narrowest first: it names the one thing the client can close to get in.
            refusal =
                _perConnection.GetValueOrDefault(connectionId) >= limits.MaxStreamsPerConnection ? TooMany(
                    $"This connection already has {limits.MaxStreamsPerConnection} open event streams and waiting polls, the most this gateway allows one connection (IrcStream:MaxStreamsPerConnection). " +
                    "Close an event stream or poll of this connection you no longer read (another tab, or an EventSource you did not close), then try again.")
                : _perSession.GetValueOrDefault(session) >= limits.MaxStreamsPerSession ? TooMany(
                    $"Your session already has {limits.MaxStreamsPerSession} open event streams and waiting polls across its connections, the most this gateway allows one session (IrcStream:MaxStreamsPerSession). " +
                    "Close the event streams or polls you no longer read (tabs of this browser count too), then try again.")
                : null;
            if (refusal is not null) return null;
            Add(_perConnection, connectionId, 1);
            Add(_perSession, session, 1);
        }
        away.Opened(connectionId);
        return new Slot(this, connectionId, session);
    }

    /// <summary>Takes a slot for a stream or waiting poll on this node and the address's slot; null (and the problem to answer) when a bound is reached.</summary>
    public async ValueTask<(IDisposable? Slot, ProblemHttpResult? Refusal)> TryTakeAsync(string connectionId, string session, string address)
    {
        if (TryTake(connectionId, session, out var refusal) is not { } slot) return (null, refusal);
        IDisposable? everywhere;
        try
        {
            everywhere = await addresses.TryTakeStreamAsync(address).ConfigureAwait(false);
        }
        catch
        {
            slot.Dispose();
            throw;
        }
        if (everywhere is null)
        {
            slot.Dispose();
            return (null, AddressFull(options.Value.MaxStreamsPerAddress));
        }
        return (new Both(slot, everywhere), null);
    }

    /// <summary>Open streams and waiting polls this node counts now for a connection and a session.</summary>
    public (int Connection, int Session) CountFor(string connectionId, string session)
    {
        lock (_gate) return (_perConnection.GetValueOrDefault(connectionId), _perSession.GetValueOrDefault(session));
    }

    private void Return(string connectionId, string session)
    {
        lock (_gate)
        {
            Add(_perConnection, connectionId, -1);
            Add(_perSession, session, -1);
        }
        away.Closed(connectionId);
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var count = counts.GetValueOrDefault(key) + delta;
        if (count <= 0) counts.Remove(key);
        else counts[key] = count;
    }

    private static ProblemHttpResult AddressFull(int max) => TooMany(
        $"Your address already has {max} open event streams and waiting polls, the most this gateway allows one address (IrcStream:MaxStreamsPerAddress). " +
        "Close the event streams or polls you no longer read, in this or other browsers behind the same address, then try again.");

    private static ProblemHttpResult TooMany(string detail) =>
        TypedResults.Problem(title: "Too many open event streams", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);

    private sealed class Both(IDisposable here, IDisposable everywhere) : IDisposable
    {
        public void Dispose()
        {
            here.Dispose();
            everywhere.Dispose();
        }
    }

    private sealed class Slot(StreamLimits limits, string connectionId, string session) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) limits.Return(connectionId, session);
        }
    }
}

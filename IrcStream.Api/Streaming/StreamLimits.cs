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
                    $"This connection is already open in {limits.MaxStreamsPerConnection} places (tabs or windows), the most this gateway allows for one connection. " +
                    "Close a tab or window that shows it and that you no longer read, then try again.")
                : _perSession.GetValueOrDefault(session) >= limits.MaxStreamsPerSession ? TooMany(
                    $"This browser already has its connections open in {limits.MaxStreamsPerSession} places (tabs or windows), the most this gateway allows for one browser. " +
                    "Close the tabs or windows of this chat that you no longer read, then try again.")
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
            // Inside the lock, so that once a count is seen to reach 0 the away clock is already running.
            away.Closed(connectionId);
        }
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var count = counts.GetValueOrDefault(key) + delta;
        if (count <= 0) counts.Remove(key);
        else counts[key] = count;
    }

    private static ProblemHttpResult AddressFull(int max) => TooMany(
        $"Chats are already open in {max} places (tabs or windows) from your network address, the most this gateway allows for one address; " +
        "everyone behind the same address (an office, a school, a mobile network) counts together. Close the tabs or windows of this chat that you no longer read, then try again.");

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

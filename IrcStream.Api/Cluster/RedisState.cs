using IrcStream.Api.Connections;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.State;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The state of a gateway of several nodes sharing a Redis: sessions there (<see cref="RedisSessionStore"/>); each
/// connection owned by the node that opened or took it over, under a lease, with a record any node can describe and
/// take it over from (<see cref="RedisConnectionDirectory"/>); its events copied to a Redis stream that every node reads
/// (<see cref="RedisEventSources"/>); a request about a connection carried out by its owner
/// (<see cref="OwnerForwarding"/>); and a stopping node's connections handed to live nodes (<see cref="ConnectionHandover"/>).
/// </summary>
internal sealed class RedisState(
    RedisSessionStore sessions,
    RedisConnectionDirectory directory,
    RedisEventLogs eventLogs,
    RedisEventSources sources,
    OwnerForwarding forwarding,
    ConnectionHandover handover,
    OwnedConnections owned,
    ConnectionOpener opener,
    ConnectionCloser closer,
    IRebuildWindow rebuild) : IGatewayState
{
    public ValueTask<SessionResolution> ResolveSessionAsync(HttpContext http, bool mayCreate) =>
        // A request another node forwarded belongs to a session that exists; if it has just expired, none is made for it.
        sessions.ResolveAsync(SessionCookie.Read(http), ClientAddress.KeyOf(http), mayCreate && !ForwardedRequest.Is(http), http.RequestAborted);

    public int SessionCount => sessions.Count;

    public async ValueTask<OpenedConnection> OpenAsync(IrcConnectionOptions options, IBrowserSession session, int maxConnections, CancellationToken cancellationToken)
    {
        var id = options.ConnectionId;
        if (opener.Open(options, eventLogs.Create(id, lastSeq: 0), directory.Ownership(id)) is not { } connection)
        {
            eventLogs.LetGo(id);
            return OpenedConnection.Refused(SessionAddOutcome.Ended);
        }
        try
        {
            await directory.RegisterAsync(connection, session, cancellationToken);
        }
        catch
        {
            // Redis failed: the connection never started; the error answers.
            opener.Discard(connection);
            eventLogs.LetGo(id);
            throw;
        }
        var opened = await opener.AddAndStartAsync(connection, session, maxConnections, cancellationToken);
        if (opened.Connection is null) await directory.DeleteAsync(id, CancellationToken.None);
        return opened;
    }

    public async ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken)
    {
        var described = await directory.DescribeAsync(connectionIds, cancellationToken);
        // A record gone from a Redis that lost its data since the session was read: its owner is putting it back, so
        // "not found" would be untrue (a GET 404 in the fault test after a FLUSHALL, with ten sessions).
        if (described.Count < connectionIds.Count && await rebuild.MayBeRebuildingAsync()) throw new RedisRebuildingException();
        return described;
    }

    public ValueTask<ConnectionPlace> LocateAsync(HttpContext http, string connectionId) => forwarding.LocateAsync(http, connectionId);

    public async ValueTask<SendResult?> SendAsync(string connectionId, IReadOnlyList<string> lines)
    {
        if (owned.Find(connectionId) is not { } connection) return null;
        // Queued lines are kept in Redis for a node that takes over; while this node cannot confirm its hold, a 202 could not be kept.
        if (!directory.MayWrite(connectionId)) return new SendResult(SendOutcome.HoldUnconfirmed);
        var result = connection.Send(lines);
        if (result.Outcome == SendOutcome.Queued) await directory.LinesQueuedAsync(connectionId, result.LastNumber, lines);
        return result;
    }

    public async ValueTask<CredentialsOutcome?> UseSaslAsync(string connectionId, SaslCredentials credentials)
    {
        if (owned.Find(connectionId) is not { } connection) return null;
        if (!directory.MayWrite(connectionId)) return CredentialsOutcome.HoldUnconfirmed;
        // The record first: when Redis fails the request fails (503) and nothing changed.
        await directory.SaslChangedAsync(connectionId, credentials);
        connection.UseSasl(credentials);
        return CredentialsOutcome.Kept;
    }

    public async ValueTask CloseAsync(string connectionId, string reason)
    {
        // Closed before it is forgotten: its CLOSED event is still written under the node's lease.
        if (owned.Take(connectionId) is { } connection) await closer.CloseAsync(connection, reason);
        await directory.DeleteAsync(connectionId, CancellationToken.None);
    }

    public IEventSource? OpenEvents(string connectionId) =>
        // The owner reads its own log from memory; Redis is the copy for the other nodes.
        eventLogs.Find(connectionId) is { } log ? new OwnerEventSource(log, sources.Open(connectionId)) : sources.Open(connectionId);

    public async Task LeaveAsync(IReadOnlyList<IIrcConnection> connections) =>
        closer.CloseInBackground(await handover.HandOverAsync(connections).ConfigureAwait(false), GatewayShutdown.Reason);
}

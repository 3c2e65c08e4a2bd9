using IrcStream.Api.Connections;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;

namespace IrcStream.Api.State;

/// <summary>
/// The state of a gateway that runs alone: sessions in its memory (<see cref="MemorySessionStore"/>), every connection
/// it knows is one it holds (<see cref="OwnedConnections"/>), and each one's events are its in-memory
/// <see cref="EventLog"/>.
/// </summary>
internal sealed class MemoryState(
    MemorySessionStore sessions,
    OwnedConnections owned,
    ConnectionOpener opener,
    ConnectionCloser closer,
    IrcEngineSettings settings) : IGatewayState
{
    public ValueTask<SessionResolution> ResolveSessionAsync(HttpContext http, bool mayCreate) =>
        sessions.ResolveAsync(SessionCookie.Read(http), ClientAddress.KeyOf(http), mayCreate, http.RequestAborted);

    public int SessionCount => sessions.Count;

    public async ValueTask<OpenedConnection> OpenAsync(IrcConnectionOptions options, IBrowserSession session, int maxConnections, CancellationToken cancellationToken) =>
        opener.Open(options, new EventLog(settings.EventLogLimits, settings.Time), ownership: null) is { } connection
            ? await opener.AddAndStartAsync(connection, session, maxConnections, cancellationToken)
            : OpenedConnection.Refused(SessionAddOutcome.Ended);

    public ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ConnectionDto>>(connectionIds.Select(owned.Find).OfType<IIrcConnection>().Select(ConnectionDto.From).ToArray());

    public ValueTask<ConnectionPlace> LocateAsync(HttpContext http, string connectionId) =>
        ValueTask.FromResult(owned.Find(connectionId) is { } connection ? ConnectionPlace.Here(connection) : ConnectionPlace.Nowhere);

    public ValueTask<SendResult?> SendAsync(string connectionId, IReadOnlyList<string> lines) =>
        ValueTask.FromResult(owned.Find(connectionId)?.Send(lines));

    public ValueTask<CredentialsOutcome?> UseSaslAsync(string connectionId, SaslCredentials credentials)
    {
        if (owned.Find(connectionId) is not { } connection) return ValueTask.FromResult<CredentialsOutcome?>(null);
        connection.UseSasl(credentials);
        return ValueTask.FromResult<CredentialsOutcome?>(CredentialsOutcome.Kept);
    }

    public async ValueTask CloseAsync(string connectionId, string reason)
    {
        if (owned.Take(connectionId) is { } connection) await closer.CloseAsync(connection, reason);
    }

    public IEventSource? OpenEvents(string connectionId) => owned.Find(connectionId)?.Events is { } log ? new MemoryEventSource(log) : null;

    public Task LeaveAsync(IReadOnlyList<IIrcConnection> connections)
    {
        closer.CloseInBackground(connections, GatewayShutdown.Reason);
        return Task.CompletedTask;
    }
}

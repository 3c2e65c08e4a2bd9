using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.State;

/// <summary>
/// Where the gateway's state lives, and so who holds what: the one thing the feature folders (<c>Sessions/</c>,
/// <c>Connections/</c>, <c>Streaming/</c>) ask for sessions, for opening, describing, closing and writing to
/// connections, for their events, and for what a stopping node does with its connections. Two implementations, chosen
/// once at start-up from the configuration (<see cref="StateSetup.AddGatewayState"/>): <see cref="MemoryState"/> (one
/// gateway process: everything in its memory) and <c>Cluster/RedisState</c> (several nodes sharing a Redis: each
/// connection owned by one node under a lease, its record and events copied to Redis, requests forwarded to its owner,
/// connections handed over or taken over when a node stops). As SignalR's <c>HubLifetimeManager</c> is replaced whole
/// by <c>RedisHubLifetimeManager</c>, the features never learn which one answers.
/// </summary>
internal interface IGatewayState
{
    /// <summary>
    /// The request's session, or, when it has none and <paramref name="mayCreate"/> (and this state lets this request
    /// make one: not a request another node forwarded), a new one with its cookie; or a refusal.
    /// </summary>
    ValueTask<SessionResolution> ResolveSessionAsync(HttpContext http, bool mayCreate);

    /// <summary>Sessions alive now, as far as this node knows (the metrics gauge).</summary>
    int SessionCount { get; }

    /// <summary>
    /// Opens a connection with <paramref name="options"/> for <paramref name="session"/> (at most
    /// <paramref name="maxConnections"/> a session) on this node, through <see cref="ConnectionOpener"/>, and starts it.
    /// </summary>
    ValueTask<OpenedConnection> OpenAsync(IrcConnectionOptions options, IBrowserSession session, int maxConnections, CancellationToken cancellationToken);

    /// <summary>The contract objects of those of <paramref name="connectionIds"/> that still exist, in that order.</summary>
    ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken);

    /// <summary>Where the connection a request about it is answered: held here, held by another node, or nowhere (answered here as such).</summary>
    ValueTask<ConnectionPlace> LocateAsync(HttpContext http, string connectionId);

    /// <summary>Sends the user's lines on a connection this node holds; null when it holds none of that id.</summary>
    ValueTask<SendResult?> SendAsync(string connectionId, IReadOnlyList<string> lines);

    /// <summary>
    /// Logs in with <paramref name="credentials"/> from the connection's next registration on, where this node holds it
    /// (in Redis mode written to its record first, the password encrypted, so a node taking it over logs in too); null
    /// when it holds none of that id.
    /// </summary>
    ValueTask<CredentialsOutcome?> UseSaslAsync(string connectionId, SaslCredentials credentials);

    /// <summary>Closes a connection for good (the user deleted it): QUIT and CLOSED where this node holds it, and nothing of it is kept.</summary>
    ValueTask CloseAsync(string connectionId, string reason);

    /// <summary>What streams and polls read of the connection's events; null when this node cannot read them.</summary>
    IEventSource? OpenEvents(string connectionId);

    /// <summary>
    /// The node is stopping and takes nothing more: each of <paramref name="connections"/> (already taken from this node)
    /// is closed with QUIT, or given to a live node that goes on with it.
    /// </summary>
    Task LeaveAsync(IReadOnlyList<IIrcConnection> connections);
}

/// <summary>What <see cref="IGatewayState.UseSaslAsync"/> did.</summary>
internal enum CredentialsOutcome
{
    /// <summary>Kept: the next registration logs in with them.</summary>
    Kept,

    /// <summary>This node cannot confirm it still holds the connection (its shared store is away): nothing changed.</summary>
    HoldUnconfirmed,
}

/// <summary>What <see cref="IGatewayState.OpenAsync"/> did: the connection opened and started, or why not.</summary>
internal readonly record struct OpenedConnection(IIrcConnection? Connection, SessionAddOutcome Outcome)
{
    public static OpenedConnection Refused(SessionAddOutcome outcome) => new(null, outcome);
}

/// <summary>Where a connection a request is about is held, as the node that got the request sees it.</summary>
/// <param name="Held">The connection, when this node holds it.</param>
/// <param name="Owner">The node that holds it, when another does.</param>
internal readonly record struct ConnectionPlace(IIrcConnection? Held, IRemoteOwner? Owner)
{
    public static ConnectionPlace Here(IIrcConnection connection) => new(connection, null);

    public static ConnectionPlace Elsewhere(IRemoteOwner owner) => new(null, owner);

    public static readonly ConnectionPlace Nowhere = new(null, null);
}

/// <summary>Another node that holds a connection: a request about it is carried out there, and its answer returned as it is.</summary>
internal interface IRemoteOwner
{
    Task<IResult> ForwardAsync(HttpContext http, object? body);
}

using IrcStream.Api.Sessions;
using IrcStream.Api.State;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Connections;

/// <summary>
/// The one way a connection is opened on this node, whether a user creates it or this node takes it over from another
/// (Redis mode): made by the <see cref="IIrcConnectionFactory"/> with the options, the event log and the node's
/// ownership it is given, and taken in among the connections this node holds.
/// </summary>
internal sealed class ConnectionOpener(IIrcConnectionFactory factory, OwnedConnections owned)
{
    /// <summary>The connection, not started, held by this node; null when the node is stopping (nothing is left open then).</summary>
    public IIrcConnection? Open(IrcConnectionOptions options, IEventLog events, IConnectionOwnership? ownership)
    {
        var connection = factory.Create(options, events, ownership);
        if (owned.TryAdd(connection)) return connection;
        _ = connection.DisposeAsync().AsTask();
        return null;
    }

    /// <summary>Disposes of a connection that never started (what it was opened for failed).</summary>
    public void Discard(IIrcConnection connection)
    {
        owned.Take(connection.Options.ConnectionId);
        _ = connection.DisposeAsync().AsTask();
    }

    /// <summary>Adds a new connection to the session that asked for it, within the session's limit, and starts it.</summary>
    public async ValueTask<OpenedConnection> AddAndStartAsync(IIrcConnection connection, IBrowserSession session, int maxConnections, CancellationToken cancellationToken)
    {
        SessionAddOutcome added;
        try
        {
            added = await session.TryAddAsync(connection.Options.ConnectionId, maxConnections, cancellationToken);
        }
        catch
        {
            // The shared store failed: the connection never started; the error answers.
            Discard(connection);
            throw;
        }
        if (added != SessionAddOutcome.Added)
        {
            Discard(connection);
            return OpenedConnection.Refused(added);
        }
        try
        {
            connection.Start();
        }
        catch (ObjectDisposedException)
        {
            // The session expired between the add and the start, and its connections were closed.
            return OpenedConnection.Refused(SessionAddOutcome.Ended);
        }
        return new OpenedConnection(connection, SessionAddOutcome.Added);
    }
}

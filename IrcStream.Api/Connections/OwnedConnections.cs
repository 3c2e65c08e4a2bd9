using System.Collections.Concurrent;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>
/// The IRC connections this node holds open, by id. Sessions name connections; this is where a node finds the
/// ones it owns, to send lines, close them, and count them. After <see cref="TakeAll"/> (shutdown) nothing more
/// is added.
/// </summary>
internal sealed class OwnedConnections
{
    private readonly ConcurrentDictionary<string, IIrcConnection> _connections = new(StringComparer.Ordinal);
    private volatile bool _closed;

    public int Count => _connections.Count;

    public ICollection<IIrcConnection> All => _connections.Values;

    /// <summary>False when the node is shutting down (or the id is taken): the caller still holds the connection.</summary>
    public bool TryAdd(IIrcConnection connection)
    {
        if (_closed || !_connections.TryAdd(connection.Options.ConnectionId, connection)) return false;
        // TakeAll may have run between the check and the add: take it back out so it is not left behind.
        if (_closed && _connections.TryRemove(new(connection.Options.ConnectionId, connection))) return false;
        return true;
    }

    public IIrcConnection? Find(string id) => _connections.GetValueOrDefault(id);

    /// <summary>Removes the connection; the caller closes what it gets.</summary>
    public IIrcConnection? Take(string id) => _connections.TryRemove(id, out var connection) ? connection : null;

    /// <summary>Removes each of <paramref name="ids"/> this node holds; the caller closes what it gets.</summary>
    public IReadOnlyList<IIrcConnection> Take(IEnumerable<string> ids) => ids.Select(Take).OfType<IIrcConnection>().ToArray();

    /// <summary>Removes every connection and refuses new ones (shutdown); the caller closes what it gets.</summary>
    public IReadOnlyList<IIrcConnection> TakeAll()
    {
        _closed = true;
        return Take(_connections.Keys);
    }
}

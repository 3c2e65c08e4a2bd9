using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>
/// What a stopping node does with its IRC connections before it closes them: in Redis mode it hands them to live nodes
/// (<see cref="Cluster.ConnectionHandover"/>); a gateway that runs alone has nobody to hand them to and closes them all.
/// </summary>
internal interface IConnectionHandover
{
    /// <summary>Hands what it can to other nodes; returns the connections it could not hand over, which the caller closes with QUIT.</summary>
    Task<IReadOnlyList<IIrcConnection>> HandOverAsync(IReadOnlyList<IIrcConnection> connections);
}

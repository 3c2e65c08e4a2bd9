namespace IrcStream.Api.Cluster;

/// <summary>What the cluster tells operators about connections moving between nodes: which node took which connection, and why.</summary>
internal static partial class ClusterLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId}: node {Node} no longer holds its lease (it expired, or another node holds it); the IRC socket is let go without QUIT and nothing more is appended")]
    public static partial void LeaseLost(ILogger logger, string connectionId, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId}: node {Node} holds its lease again (it expired while Redis was unavailable, and no other node took the connection); its IRC socket stayed up and its held events are appended now")]
    public static partial void LeaseTakenAgain(ILogger logger, string connectionId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} has not reached Redis for {Seconds:0.#} s while other nodes do: it is cut off alone, and lets its {Count} IRC connections go without QUIT for the other nodes to take over")]
    public static partial void CutOffAlone(ILogger logger, string node, double seconds, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Owner} says it still holds {Held} of the {Asked} connections whose lease lapsed: they are left to it, and it takes their leases back when it reaches Redis")]
    public static partial void OwnerStillHolds(ILogger logger, string owner, int held, int asked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} takes over connection {ConnectionId} from node {PreviousNode} ({Reason}): connecting to {Server} as {Nick}, rejoining {Channels}")]
    public static partial void TakingOver(ILogger logger, string node, string connectionId, string previousNode, string reason, string server, string nick, string channels);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} is registered again on node {Node} ({Reason}), {Seconds:0.###} s after its previous owner stopped holding it")]
    public static partial void TakenOver(ILogger logger, string connectionId, string node, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is stopping: connection {ConnectionId} handed to node {Target}")]
    public static partial void HandedOver(ILogger logger, string node, string connectionId, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is stopping and no other node is alive: its {Count} IRC connections are closed with QUIT")]
    public static partial void NoNodeToHandTo(ILogger logger, string node, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId}: {Count} lines the user had queued were not written to the IRC server, because node {Node} let the connection go")]
    public static partial void LinesNotSent(ILogger logger, string connectionId, string node, int count);
}

namespace IrcStream.Api.Cluster;

/// <summary>What a node tells operators when it put back what it holds after Redis lost its data.</summary>
internal static partial class RebuildLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loss}. Node {Node} put back from its memory {Connections} connection records and leases, {Sessions} sessions, {Bans} operator bans and {Keys} Data Protection keys in {Milliseconds:0} ms; its logs are appended again with their seqs, {Unrebuilt} older events no node holds any more are missing (readers get a gap); {Moved} connections had moved to another node; {ClosedAgain} connections it had closed were deleted again")]
    public static partial void Rebuilt(ILogger logger, string loss, string node, int connections, int sessions, int bans, int keys, long unrebuilt, int moved, int closedAgain, double milliseconds);
}

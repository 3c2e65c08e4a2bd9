namespace IrcStream.Api.Admin;

/// <summary>Every admin action, with the name of the key that made it (never the key itself).</summary>
internal static partial class AdminLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin request {Method} {Path} from {Address} refused: no valid key")]
    public static partial void Refused(ILogger logger, string method, string path, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} listed connections ({Filter}): {Count}")]
    public static partial void Listed(ILogger logger, string key, string filter, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} closed connection {ConnectionId}: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string key, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} ended session {Session} and closed its {Count} connections: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string key, string session, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} banned {Address} until {Ends:u} as ban {BanId} (closed {Closed} connections): {Reason}")]
    public static partial void Banned(ILogger logger, string key, string address, DateTimeOffset ends, string banId, int closed, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} listed bans: {Count}")]
    public static partial void BansListed(ILogger logger, string key, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Key} lifted ban {BanId}")]
    public static partial void BanLifted(ILogger logger, string key, string banId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Address}: banned by ban {BanId} until {Ends:u}")]
    public static partial void BannedRefused(ILogger logger, string address, string banId, DateTimeOffset ends);
}

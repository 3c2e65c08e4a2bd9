namespace IrcStream.Api.Diagnostics;

/// <summary>
/// The HTTP side's lifecycle lines (the engine logs its own in IrcConnectionLogMessages): sessions, connections as the
/// API creates and closes them, event streams. Sessions appear by a tag derived from the cookie, never the cookie
/// itself; nothing here carries a password, a SASL secret or the text of a line.
/// </summary>
internal static partial class GatewayLogMessages
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Session} started")]
    public static partial void SessionStarted(ILogger logger, string session);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Session} ended ({Reason}); closing its {Count} IRC connections")]
    public static partial void SessionEnded(ILogger logger, string session, string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} created for {Endpoint} (TLS: {Tls}, gateway registers: {Registers}) in session {Session}")]
    public static partial void ConnectionCreated(ILogger logger, string connectionId, string endpoint, bool tls, bool registers, string session);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} to {Endpoint} closing: {Reason}")]
    public static partial void ConnectionClosing(ILogger logger, string connectionId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} refused {Count} lines: {Reason}")]
    public static partial void LinesRefused(ILogger logger, string connectionId, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event stream of connection {ConnectionId} opened after seq {After}")]
    public static partial void StreamOpened(ILogger logger, string connectionId, long after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event stream of connection {ConnectionId} closed after {Delivered} events")]
    public static partial void StreamClosed(ILogger logger, string connectionId, long delivered);
}

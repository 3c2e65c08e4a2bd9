using Microsoft.Extensions.Logging;

namespace IrcStream.Domain.Connections;

/// <summary>
/// What the connection writes to the operator's logger: one Information line per lifecycle step, each with the connection id and the
/// server. Nothing here carries a password, a SASL secret or the text of a message.
/// </summary>
internal static partial class IrcConnectionLogMessages
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} connecting to {Endpoint} (TLS: {Tls})")]
    public static partial void Connecting(ILogger logger, string connectionId, string endpoint, bool tls);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} connected to {Endpoint}")]
    public static partial void Connected(ILogger logger, string connectionId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} registered on {Endpoint} as {Nick}")]
    public static partial void Registered(ILogger logger, string connectionId, string endpoint, string nick);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} could not connect to {Endpoint}: {Status} {Detail}")]
    public static partial void ConnectFailed(ILogger logger, string connectionId, string endpoint, string status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} disconnected from {Endpoint}: {Reason}")]
    public static partial void Disconnected(ILogger logger, string connectionId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} reconnecting to {Endpoint} in {Delay} (failure {Failures} in a row)")]
    public static partial void Reconnecting(ILogger logger, string connectionId, string endpoint, TimeSpan delay, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} to {Endpoint} gives up: {Reason}")]
    public static partial void GivingUp(ILogger logger, string connectionId, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} to {Endpoint} closed")]
    public static partial void Closed(ILogger logger, string connectionId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} to {Endpoint} let go without QUIT: another gateway node holds it")]
    public static partial void LetGo(ILogger logger, string connectionId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} to {Endpoint}: {Detail}")]
    public static partial void Problem(ILogger logger, string connectionId, string endpoint, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {ConnectionId} to {Endpoint} failed unexpectedly")]
    public static partial void Crashed(ILogger logger, Exception exception, string connectionId, string endpoint);
}

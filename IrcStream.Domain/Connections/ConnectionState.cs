namespace IrcStream.Domain.Connections;

/// <summary>The contract's connection states (lower-cased in JSON).</summary>
public enum ConnectionState
{
    Connecting,
    Registering,
    Connected,
    Reconnecting,
    Disconnected,
    Closed,
}

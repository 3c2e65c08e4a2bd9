using System.Net.Sockets;

namespace IrcStream.Domain.Connections;

/// <summary>How a socket ended: the DISCONNECTED detail, and whether the connection should come back.</summary>
internal sealed record SocketEnd(string Detail, bool Reconnect)
{
    /// <summary>The gateway closed it (the user's DELETE, an expired session, shutdown).</summary>
    public static readonly SocketEnd Closed = new("The connection was closed.", Reconnect: false);

    /// <summary>The server ended the stream.</summary>
    public static readonly SocketEnd ServerClosed = new("The server closed the connection.", Reconnect: true);

    /// <summary>The user's own QUIT: the user wants to leave, so the connection does not come back.</summary>
    public static readonly SocketEnd UserQuit = new("The user sent QUIT.", Reconnect: false);

    /// <summary>This end as the client saw it: the user's QUIT, or the server's ERROR before it closed the socket.</summary>
    public SocketEnd After(Client.IrcClientState client) =>
        client.UserQuit ? UserQuit
        : this == ServerClosed && client.ServerError is { } error ? this with { Detail = $"The server closed the connection: {error}" }
        : this;

    /// <summary>
    /// Whether <paramref name="failure"/>, thrown by one of a socket's loops, ends the socket as <see cref="Of"/>
    /// says, rather than being a bug that goes on up: <paramref name="stop"/> stopped the loop, or the stream failed.
    /// </summary>
    public static bool Ends(Exception failure, CancellationToken stop) =>
        failure is OperationCanceledException ? stop.IsCancellationRequested : failure is IOException or SocketException or ObjectDisposedException;

    /// <summary>The end that <paramref name="failure"/> (one that <see cref="Ends"/>) makes: <see cref="Closed"/> when stopped, lost (<paramref name="lost"/> and the reason) when the stream failed.</summary>
    public static SocketEnd Of(Exception failure, string lost, CancellationToken stop) =>
        failure is OperationCanceledException && stop.IsCancellationRequested ? Closed : new SocketEnd($"{lost}: {failure.Message}", Reconnect: true);
}

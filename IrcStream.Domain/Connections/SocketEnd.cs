using System.Net.Sockets;

namespace IrcStream.Domain.Connections;

/// <summary>How a socket ended: the DISCONNECTED detail, and whether the connection should come back.</summary>
internal sealed record SocketEnd(string Detail, bool Reconnect)
{
    /// <summary>The gateway closed it (the user's DELETE, an expired session, shutdown).</summary>
    public static readonly SocketEnd Closed = new("The connection was closed.", Reconnect: false);

    /// <summary>The gateway may no longer write for this connection (another gateway node holds it now): it goes, and does not come back here.</summary>
    public static readonly SocketEnd Fenced = new("This gateway node no longer holds the connection.", Reconnect: false);

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
    /// Runs one of a socket's loops and turns how it stopped into an end: <see cref="Closed"/> when
    /// <paramref name="stop"/> stopped it, lost (<paramref name="lost"/> and the reason) when the stream failed.
    /// </summary>
    public static async Task<SocketEnd> OfLoopAsync(Func<CancellationToken, Task<SocketEnd>> loop, string lost, CancellationToken stop)
    {
        try
        {
            return await loop(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Closed;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return new SocketEnd($"{lost}: {ex.Message}", Reconnect: true);
        }
    }
}

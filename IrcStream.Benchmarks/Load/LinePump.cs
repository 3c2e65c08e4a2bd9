using System.Net.Sockets;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The server side of the baseline: the smallest thing that behaves like a busy IRC server's send path, one
/// pre-encoded line written <c>count</c> times in large blocks (<see cref="PumpClient.PumpAsync"/>, as the
/// gateway scenarios' pump does), then the connection closed.
/// </summary>
public static class LinePump
{
    /// <summary>Accepts one client on <paramref name="listener"/>, writes the lines, closes; returns the bytes written.</summary>
    public static async Task<long> ServeOneClientAsync(TcpListener listener, byte[] line, int count, CancellationToken cancellationToken)
    {
        using var client = new PumpClient(await listener.AcceptSocketAsync(cancellationToken));
        client.Socket.NoDelay = true;
        var written = await client.PumpAsync(line, count, cancellationToken);
        client.Socket.Shutdown(SocketShutdown.Send);
        return written;
    }
}

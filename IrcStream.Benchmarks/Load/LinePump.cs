using System.Net.Sockets;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The server side of the baseline: the smallest thing that behaves like a busy IRC server's send path, one
/// pre-encoded line written <c>count</c> times in large blocks, then the connection closed.
/// </summary>
public static class LinePump
{
    private const int BlockBytes = 64 * 1024;

    /// <summary>Accepts one client on <paramref name="listener"/>, writes the lines, closes; returns the bytes written.</summary>
    public static async Task<long> ServeOneClientAsync(TcpListener listener, byte[] line, int count, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptSocketAsync(cancellationToken);
        socket.NoDelay = true;
        var linesPerBlock = Math.Max(1, BlockBytes / line.Length);
        var block = new byte[linesPerBlock * line.Length];
        for (var i = 0; i < linesPerBlock; i++) line.CopyTo(block, i * line.Length);

        long written = 0;
        for (var remaining = count; remaining > 0;)
        {
            var lines = Math.Min(remaining, linesPerBlock);
            var bytes = block.AsMemory(0, lines * line.Length);
            while (!bytes.IsEmpty)
            {
                var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                bytes = bytes[sent..];
                written += sent;
            }
            remaining -= lines;
        }
        socket.Shutdown(SocketShutdown.Send);
        return written;
    }
}

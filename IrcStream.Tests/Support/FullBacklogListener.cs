using System.Net;
using System.Net.Sockets;

namespace IrcStream.Tests.Support;

/// <summary>
/// A loopback port where a TCP connect never completes: with a backlog of 0 Linux queues one connection, which
/// this class makes itself and nobody accepts, so the kernel drops the SYNs of every later connect.
/// </summary>
public sealed class FullBacklogListener : IDisposable
{
    private readonly Socket _listener;
    private readonly Socket _filler;

    private FullBacklogListener(Socket listener, Socket filler, int port)
    {
        _listener = listener;
        _filler = filler;
        Port = port;
    }

    public int Port { get; }

    public static async Task<FullBacklogListener> OpenAsync(CancellationToken cancellationToken)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new FullBacklogListener(listener, filler, port);
        }
        catch
        {
            filler.Dispose();
            listener.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
    }
}

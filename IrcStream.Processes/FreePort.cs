using System.Net;
using System.Net.Sockets;

namespace IrcStream.Processes;

/// <summary>
/// Picks a loopback TCP port nobody listens on right now.
/// </summary>
/// <remarks>
/// The port is only free at the moment it is read: the listener is stopped before the caller binds it,
/// so another process (or another test starting a server) can take it in between. Callers that start a
/// server on it must detect "address in use" and retry with a new port; <see cref="IrcServerHost"/> does.
/// </remarks>
public static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace IrcStream.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of a server, which the test can cut as a network partition does: while cut, nothing
/// passes either way and new connections are accepted but go nowhere (no reset, no close), so the client sees only
/// silence and its timeouts. <see cref="Mend"/> lets bytes pass again on the connections still open.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private volatile TaskCompletionSource _open = Opened();

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _pumps.Add(AcceptAsync());
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>From now on nothing passes, until <see cref="Mend"/>.</summary>
    public void Cut()
    {
        if (_open.Task.IsCompleted) _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Mend() => _open.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Mend();
        try
        {
            await Task.WhenAll(_pumps.ToArray());
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_pumps) _pumps.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        await _open.Task.WaitAsync(_stop.Token);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
    }

    /// <summary>Copies bytes from one socket to the other, holding each read back while the relay is cut.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                await _open.Task.WaitAsync(_stop.Token);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}

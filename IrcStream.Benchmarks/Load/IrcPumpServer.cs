using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The IRC side of the gateway scenarios: the smallest server a gateway connection registers on. It welcomes
/// a client with 001 as soon as it has sent NICK and USER (CAP is ignored, as a server without CAP does),
/// answers PING, and otherwise reads and discards; the scenarios then write lines to each client through
/// <see cref="PumpClient"/>. It listens on one loopback address only.
/// </summary>
public sealed class IrcPumpServer : IAsyncDisposable
{
    public const string ServerName = "pump.load";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<PumpClient>> _byNick = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _clients = [];
    private readonly Task _accepting;

    private IrcPumpServer(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptLoopAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The <c>host:port</c> a gateway connection request names.</summary>
    public string Server => $"127.0.0.1:{Port}";

    public static IrcPumpServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 4096);
        return new IrcPumpServer(listener);
    }

    /// <summary>Completes when the client that registered with <paramref name="nick"/> has been welcomed.</summary>
    public Task<PumpClient> WaitForClientAsync(string nick, CancellationToken cancellationToken) =>
        Entry(nick).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource<PumpClient> Entry(string nick) =>
        _byNick.GetOrAdd(nick, static _ => new TaskCompletionSource<PumpClient>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(cancellationToken);
                socket.NoDelay = true;
                _clients.Add(ServeAsync(new PumpClient(socket), cancellationToken));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(PumpClient client, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(new NetworkStream(client.Socket, ownsSocket: false));
        var framer = new IrcLineFramer();
        string? nick = null;
        var user = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (framer.TryReadLine(ref buffer, out var line) == FrameResult.Line)
                {
                    if (!IrcMessage.TryParse(line!, out var message)) continue;
                    if (message.Command == "QUIT")
                    {
                        // As a real server does: confirm and close, so the gateway need not wait out its QUIT timeout.
                        await client.SendAsync("ERROR :Closing link (Quit)\r\n"u8.ToArray(), cancellationToken);
                        return;
                    }
                    var reply = Answer(message, ref nick, ref user, out var welcomed);
                    if (reply is not null) await client.SendAsync(Encoding.UTF8.GetBytes(reply), cancellationToken);
                    if (welcomed) Entry(nick!).TrySetResult(client);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The gateway closed the connection, or the pump stops.
        }
        finally
        {
            await reader.CompleteAsync();
            client.Dispose();
        }
    }

    /// <summary>The server's reply to one client line (with CR-LF), or null; <paramref name="welcomed"/> when this line completed registration.</summary>
    public static string? Answer(IrcMessage message, ref string? nick, ref bool user, out bool welcomed)
    {
        welcomed = false;
        var p = message.Params;
        switch (message.Command)
        {
            case "PING":
                return $":{ServerName} PONG {ServerName} :{(p.Count > 0 ? p[^1] : "")}\r\n";
            case "NICK" when p.Count > 0:
                var registered = nick is not null && user;
                nick = p[0];
                return registered ? null : Welcome(nick, user, out welcomed);
            case "USER":
                if (user) return null;
                user = true;
                return nick is null ? null : Welcome(nick, user, out welcomed);
            default:
                return null;
        }
    }

    private static string? Welcome(string nick, bool user, out bool welcomed)
    {
        welcomed = user;
        return user ? $":{ServerName} 001 {nick} :Welcome to the load pump {nick}\r\n" : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}

/// <summary>One welcomed client of <see cref="IrcPumpServer"/>: writes are serialised so PONGs and pumped lines never interleave.</summary>
public sealed class PumpClient(Socket socket) : IDisposable
{
    private const int BlockBytes = 64 * 1024;
    private readonly SemaphoreSlim _writing = new(1, 1);

    internal Socket Socket { get; } = socket;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes <paramref name="line"/> (with CR-LF) <paramref name="count"/> times in 64 KiB blocks, as <see cref="LinePump"/> does.</summary>
    public async Task<long> PumpAsync(byte[] line, int count, CancellationToken cancellationToken)
    {
        var linesPerBlock = Math.Max(1, BlockBytes / line.Length);
        var block = new byte[linesPerBlock * line.Length];
        for (var i = 0; i < linesPerBlock; i++) line.CopyTo(block, i * line.Length);
        long written = 0;
        for (var remaining = count; remaining > 0;)
        {
            var lines = Math.Min(remaining, linesPerBlock);
            await SendAsync(block.AsMemory(0, lines * line.Length), cancellationToken);
            written += lines * line.Length;
            remaining -= lines;
        }
        return written;
    }

    public void Dispose()
    {
        Socket.Dispose();
        _writing.Dispose();
    }
}

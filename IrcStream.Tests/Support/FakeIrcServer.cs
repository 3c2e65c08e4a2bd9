using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;

namespace IrcStream.Tests.Support;

/// <summary>
/// A scripted IRC server in the test process, on a loopback port: it accepts connections and hands each to
/// the test as a <see cref="FakeIrcPeer"/>, which says exactly what the server sends and records what it
/// receives. For what a real server will not do on demand: split lines, silence, garbage, refusals.
/// </summary>
public sealed class FakeIrcServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Channel<FakeIrcPeer> _accepted = Channel.CreateUnbounded<FakeIrcPeer>();
    private readonly List<FakeIrcPeer> _peers = [];
    private readonly List<string?> _serverNames = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _acceptedCount;

    private FakeIrcServer(X509Certificate2? certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public string Host => "127.0.0.1";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The TLS server names (SNI) clients asked for, in order; null where a client sent none.</summary>
    public IReadOnlyList<string?> ServerNames
    {
        get
        {
            lock (_serverNames) return [.. _serverNames];
        }
    }

    /// <summary>How many connections were accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _acceptedCount);

    /// <summary>Listens on a free loopback port; with a certificate every connection is TLS.</summary>
    public static FakeIrcServer Start(X509Certificate2? certificate = null) => new(certificate);

    /// <summary>The next connection that arrived (or arrives), in order.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public async Task<FakeIrcPeer> AcceptAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await _accepted.Reader.ReadAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No connection reached the fake server within {timeout.TotalSeconds:0.#} s ({AcceptedCount} so far).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        FakeIrcPeer[] peers;
        lock (_peers) peers = [.. _peers];
        foreach (var peer in peers) await peer.DisposeAsync();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                Interlocked.Increment(ref _acceptedCount);
                Stream stream = new NetworkStream(socket, ownsSocket: true);
                if (_certificate is not null)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    try
                    {
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                        {
                            ServerCertificateSelectionCallback = (_, serverName) =>
                            {
                                lock (_serverNames) _serverNames.Add(string.IsNullOrEmpty(serverName) ? null : serverName);
                                return _certificate;
                            },
                        }, _stop.Token);
                    }
                    catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                    {
                        // The client refused the certificate: that is what the test looks at.
                        await ssl.DisposeAsync();
                        continue;
                    }
                    stream = ssl;
                }
                var peer = new FakeIrcPeer(stream);
                lock (_peers) _peers.Add(peer);
                _accepted.Writer.TryWrite(peer);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException
                                   || (ex is InvalidOperationException && _stop.IsCancellationRequested))
        {
            // Stopped; a loop that came back from a failed TLS handshake finds the listener already stopped ("Not listening").
        }
    }
}

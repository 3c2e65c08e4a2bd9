using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using IrcStream.Domain.Events;

namespace IrcStream.Domain.Connections;

/// <summary>Why a connect attempt failed, as the status event tells it.</summary>
/// <param name="status"><see cref="IrcStatus.ConnectTimeout"/> or <see cref="IrcStatus.Error"/>.</param>
/// <param name="detail">Readable for the user: what happened and, where it helps, what to do.</param>
/// <param name="retry">False when trying again cannot help (the address is not allowed).</param>
internal sealed class ConnectFailedException(string status, string detail, bool retry) : Exception(detail)
{
    public string Status { get; } = status;
    public string Detail { get; } = detail;
    public bool Retry { get; } = retry;
}

/// <summary>
/// Opens the byte stream to an IRC server: resolves the host, keeps only the addresses
/// <see cref="IrcConnectionOptions.IsAddressAllowed"/> permits (checked here, on the resolved address, so a DNS
/// answer cannot smuggle in a loopback or private address), connects over TCP and, when asked, TLS with SNI and
/// the system's certificate validation. TCP and TLS together must finish within the connect timeout.
/// </summary>
internal static class IrcConnector
{
    /// <summary>The open stream (an <see cref="SslStream"/> for TLS); the caller owns it.</summary>
    /// <exception cref="ConnectFailedException">The attempt failed; the exception says how to report it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Stream> ConnectAsync(IrcConnectionOptions options, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var endpoint = options.Endpoint;
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        Stream? stream = null;
        try
        {
            var addresses = await ResolveAsync(options.Host, linked.Token).ConfigureAwait(false);
            var allowed = options.IsAddressAllowed is { } isAllowed ? addresses.Where(isAllowed).ToArray() : addresses;
            if (allowed.Length == 0)
            {
                throw new ConnectFailedException(IrcStatus.Error,
                    $"{options.Host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, which this gateway may not connect to. Choose another server.",
                    retry: false);
            }
            var socket = await ConnectSocketAsync(allowed, options.Port, endpoint, linked.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls) stream = await AuthenticateAsync(stream, options, endpoint, linked.Token).ConfigureAwait(false);
            return stream;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            throw new ConnectFailedException(IrcStatus.ConnectTimeout,
                $"No {(options.Tls ? "TLS " : "")}connection to {endpoint} within {timeout.TotalSeconds:0.###} s.", retry: true);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0) throw new ConnectFailedException(IrcStatus.Error, $"{host} has no address.", retry: true);
            return addresses;
        }
        catch (SocketException ex)
        {
            throw new ConnectFailedException(IrcStatus.Error, $"Could not resolve {host}: {ex.Message}", retry: true);
        }
    }

    private static async Task<Socket> ConnectSocketAsync(IPAddress[] addresses, int port, string endpoint, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new ConnectFailedException(IrcStatus.Error, $"Could not connect to {endpoint}: {last?.Message}", retry: true);
    }

    private static async Task<Stream> AuthenticateAsync(Stream stream, IrcConnectionOptions options, string endpoint, CancellationToken cancellationToken)
    {
        var problem = SslPolicyErrors.None;
        string? chainProblem = null;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            // SNI and the name check use the host the user asked for, never the resolved address.
            TargetHost = options.Host,
            RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                problem = errors;
                chainProblem = chain?.ChainStatus.FirstOrDefault(s => s.Status != X509ChainStatusFlags.NoError).StatusInformation?.Trim();
                return errors == SslPolicyErrors.None || options.AcceptInvalidCertificate;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var reason = problem == SslPolicyErrors.None
                ? $"The TLS handshake with {endpoint} failed: {ex.Message}"
                : $"The TLS certificate of {endpoint} is not valid ({Describe(problem)}{(string.IsNullOrEmpty(chainProblem) ? "" : ": " + chainProblem)}). "
                  + "Check the server name and port: this gateway connects over TLS only to servers whose certificate is valid for that name.";
            throw new ConnectFailedException(IrcStatus.Error, reason, retry: true);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectFailedException(IrcStatus.Error, $"The TLS handshake with {endpoint} failed: {ex.Message}", retry: true);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Describe(SslPolicyErrors errors)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) parts.Add("no certificate was sent");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) parts.Add("it was issued for another name");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) parts.Add("it is not signed by a trusted authority");
        return string.Join(", ", parts);
    }
}

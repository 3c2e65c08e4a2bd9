using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IrcStream.Benchmarks.Load;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real InspIRCd 3 (the Debian package) on a free loopback port, with a generated config in a temp dir:
/// IRCv3 caps (server-time, echo-message, message-tags, msgid, batch, account-tag) and WEBIRC (cgiirc); on request a
/// second, TLS port (ssl_gnutls, with sslinfo for WHOIS's "is using a secure connection") with a self-signed certificate
/// for 127.0.0.1.
/// </summary>
/// <remarks>
/// Behaviour worth knowing when testing against it: it finishes registrations on a 1 s tick (001 comes up to
/// a second after USER), drops a JOIN sent before 001, and ignores the WEBIRC hostname argument (3.x looks
/// the IP up itself, which this config disables), so a WEBIRC user's host is the IP it claimed. It never
/// resolves hostnames and its resolver points at 127.0.0.1, so it sends no DNS query off the machine.
/// </remarks>
public sealed class InspircdServer : ITestIrcServer
{
    public const string ServerName = "irc.inspircd.test";
    public const string BinaryPath = ServerLaunches.InspircdPath;

    private static readonly string[] Modules =
    [
        "cap", "ircv3", "ircv3_servertime", "ircv3_echomessage", "ircv3_ctctags", "ircv3_msgid", "ircv3_batch",
        "ircv3_accounttag", "cgiirc", "monitor", "check",
    ];

    /// <summary>The name of the <c>&lt;oper&gt;</c> block: an operator with every privilege (WHOIS and CHECK show what the server knows of a user).</summary>
    public const string OperName = "ircstream";

    private readonly IrcServerHost _host;

    private InspircdServer(IrcServerHost host, string password, int? tlsPort)
    {
        _host = host;
        WebircPassword = password;
        TlsPort = tlsPort;
    }

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

    /// <summary>The TLS port, when started with one.</summary>
    public int? TlsPort { get; }

    /// <summary>The TLS port's certificate (PEM, self-signed for 127.0.0.1): a client trusts the server by trusting this file.</summary>
    public string CertificatePath => Path.Combine(Directory, "cert.pem");

    /// <summary>The password of the <c>&lt;cgihost type="webirc"&gt;</c> block (any gateway host may use it).</summary>
    public string WebircPassword { get; }

    /// <summary>The password of the <see cref="OperName"/> oper block (the same random value as <see cref="WebircPassword"/>).</summary>
    public string OperPassword => WebircPassword;

    /// <summary>The temp dir holding inspircd.conf, the pid file and ircd.log.</summary>
    public string Directory => _host.Directory;

    /// <summary>The pid of the running server, or null after <see cref="StopAsync"/>.</summary>
    public int? ProcessId => _host.ProcessId;

    /// <summary>The last console lines of the running server (for failure messages).</summary>
    public string RecentOutput => _host.RecentOutput;

    /// <summary>Writes a config and starts the server; returns once its port accepts connections.</summary>
    public static Task<InspircdServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(tls: false, cancellationToken);

    /// <summary>As <see cref="StartAsync(CancellationToken)"/>, also listening for TLS on a second free port (<see cref="TlsPort"/>).</summary>
    public static Task<InspircdServer> StartWithTlsAsync(CancellationToken cancellationToken = default) => StartAsync(tls: true, cancellationToken);

    private static async Task<InspircdServer> StartAsync(bool tls, CancellationToken cancellationToken)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        int? tlsPort = null;
        var host = await IrcServerHost.StartAsync("inspircd", (directory, port) =>
        {
            tlsPort = tls ? FreePort.Next() : null;
            return Prepare(directory, port, password, tlsPort);
        }, cancellationToken).ConfigureAwait(false);
        return new InspircdServer(host, password, tlsPort);
    }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public override string ToString() => $"InspIRCd on {Host}:{Port}";

    private static ServerLaunch Prepare(string directory, int port, string webircPassword, int? tlsPort)
    {
        var configPath = Path.Combine(directory, "inspircd.conf");
        File.WriteAllText(configPath, Config(directory, port, webircPassword) + (tlsPort is { } tls ? TlsConfig(directory, tls) : ""));
        return ServerLaunches.Inspircd(configPath);
    }

    /// <summary>A client bind on <paramref name="tlsPort"/> with a certificate for 127.0.0.1 written beside the config.</summary>
    private static string TlsConfig(string directory, int tlsPort)
    {
        foreach (var module in new[] { "ssl_gnutls", "sslinfo" })
        {
            if (!File.Exists($"/usr/lib/inspircd/modules/m_{module}.so")) throw new InvalidOperationException($"InspIRCd's {module} module is not installed: no TLS port.");
        }
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return "<module name=\"ssl_gnutls\">\n<module name=\"sslinfo\">\n" +
            $"<sslprofile name=\"ircstream\" provider=\"gnutls\" certfile=\"{certPath}\" keyfile=\"{keyPath}\" dhfile=\"\">\n" +
            $"<bind address=\"127.0.0.1\" port=\"{tlsPort}\" type=\"clients\" sslprofile=\"ircstream\">\n";
    }

    private static string Config(string directory, int port, string webircPassword)
    {
        var modules = string.Concat(Modules
            .Where(name => File.Exists($"/usr/lib/inspircd/modules/m_{name}.so"))
            .Select(name => $"<module name=\"{name}\">\n"));
        return InspircdConfig.For(directory, port, ServerName, "IrcStreamTest", "IrcStream test server",
            $"{modules}<cgihost type=\"webirc\" password=\"{webircPassword}\" mask=\"*\">\n" +
            "<class name=\"everything\" commands=\"*\" privs=\"*\" usermodes=\"*\" chanmodes=\"*\" snomasks=\"*\">\n" +
            "<type name=\"everything\" classes=\"everything\">\n" +
            $"<oper name=\"{OperName}\" password=\"{webircPassword}\" host=\"*@*\" type=\"everything\">\n");
    }
}

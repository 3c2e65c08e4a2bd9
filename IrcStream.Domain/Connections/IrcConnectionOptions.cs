using System.Net;

namespace IrcStream.Domain.Connections;

/// <summary>SASL PLAIN credentials.</summary>
public sealed record SaslCredentials(string Account, string Password);

/// <summary>
/// What WEBIRC tells the server about the browser: <c>WEBIRC password gateway hostname ip [:options]</c>, with the
/// IRCv3 WEBIRC options <c>secure</c> (the browser reached the gateway over TLS), <c>remote-port</c> (the port the
/// browser connected from) and <c>local-port</c> (the port it connected to).
/// </summary>
public sealed record WebircIdentity(string Password, string Gateway, string ClientHost, string ClientAddress,
    bool Secure = false, int? RemotePort = null, int? LocalPort = null)
{
    /// <summary>The options parameter, e.g. <c>secure remote-port=51234 local-port=443</c>; empty when there are none.</summary>
    public string Flags => string.Join(' ', FlagList());

    private IEnumerable<string> FlagList()
    {
        if (Secure) yield return "secure";
        if (RemotePort is > 0 and <= 65535) yield return FormattableString.Invariant($"remote-port={RemotePort}");
        if (LocalPort is > 0 and <= 65535) yield return FormattableString.Invariant($"local-port={LocalPort}");
    }
}

/// <summary>What one browser asked for: the server and how to register on it.</summary>
public sealed record IrcConnectionOptions
{
    /// <summary>The gateway's id for this connection, as the HTTP side gives it out; used in logs.</summary>
    public string ConnectionId { get; init; } = "";

    public required string Host { get; init; }
    public required int Port { get; init; }

    /// <summary><c>host:port</c>, with an IPv6 address in brackets (<c>[::1]:6667</c>): how logs, events and errors name the server.</summary>
    public string Endpoint => FormatEndpoint(Host, Port);

    /// <summary><c>host:port</c>, or <c>[address]:port</c> when <paramref name="host"/> is an IPv6 address.</summary>
    public static string FormatEndpoint(string host, int port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
    public bool Tls { get; init; }

    /// <summary>Accept a certificate that fails validation. Off by default; only an explicit per-server setting turns it on.</summary>
    public bool AcceptInvalidCertificate { get; init; }

    /// <summary>Without a nick the gateway does not register: the client sends NICK/USER itself.</summary>
    public string? Nick { get; init; }
    public string? Username { get; init; }
    public string? Realname { get; init; }
    public string? Password { get; init; }
    public SaslCredentials? Sasl { get; init; }
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Keys for some of <see cref="Channels"/>, sent with their JOIN (a connection taken over from another gateway node rejoins keyed channels).</summary>
    public IReadOnlyList<Client.ChannelKey> ChannelKeys { get; init; } = [];
    public WebircIdentity? Webirc { get; init; }

    /// <summary>The operator's templates for the user name and real name sent in USER (the gateway's and the user's own); null sends the user's choice.</summary>
    public Client.UserTemplate? UserTemplate { get; init; }

    /// <summary>
    /// Checked on every resolved address at connect time (the AllowedServers rule for loopback, private,
    /// link-local and metadata addresses). Null allows every address.
    /// </summary>
    public Func<IPAddress, bool>? IsAddressAllowed { get; init; }
}

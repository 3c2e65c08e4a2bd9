using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;

namespace IrcStream.Api.Connections;

/// <summary>
/// What the IRC server is told about the browser: WEBIRC with the IRCv3 options (<c>secure</c>, <c>remote-port</c>,
/// <c>local-port</c>) and the operator's user name and real name templates, filled with the client's address.
/// </summary>
internal static class ClientIdentity
{
    public const string HexIpPlaceholder = "{hexip}";
    public const string HostPlaceholder = "{host}";

    /// <summary>The header ForwardedHeadersMiddleware adds when it took a trusted proxy's X-Forwarded-For.</summary>
    private const string OriginalForHeader = "X-Original-For";

    /// <summary>IPv6 clients are told apart by this prefix in <c>{hexip}</c>: one person holds a whole /64.</summary>
    private const int Ipv6PrefixBytes = 8;

    /// <summary>WEBIRC for the request's browser, only when a password is configured; the host is the address itself (no reverse DNS).</summary>
    public static WebircIdentity? Webirc(WebircOptions webirc, HttpContext http)
    {
        if (ClientAddress.Of(http) is not { } client) return null;
        var connection = http.Connection;
        // Behind a trusted proxy the port the browser reached is the proxy's: its Host (X-Forwarded-Host) or the scheme's.
        var localPort = http.Request.Headers.ContainsKey(OriginalForHeader)
            ? http.Request.Host.Port ?? (http.Request.IsHttps ? 443 : 80)
            : connection.LocalPort;
        return WebircFor(webirc, IrcParameters.Address(client.ToString()),
            new WebircFlags(http.Request.IsHttps, connection.RemotePort > 0 ? connection.RemotePort : null, localPort > 0 ? localPort : null));
    }

    /// <summary>WEBIRC for a browser's address as a line carries it (a connection taken over keeps its creator's address and flags).</summary>
    public static WebircIdentity? WebircFor(WebircOptions webirc, string? address, WebircFlags flags) =>
        string.IsNullOrEmpty(webirc.Password) || string.IsNullOrEmpty(address)
            ? null
            : new WebircIdentity(webirc.Password, webirc.Gateway, address, address, flags.Secure, flags.RemotePort, flags.LocalPort);

    /// <summary>The operator's templates with the client's facts filled in (the user's own choice is filled by the engine); null when none is configured.</summary>
    public static UserTemplate? Template(IdentOptions ident, IPAddress? client)
    {
        if (ident.Username is null && ident.Realname is null) return null;
        var hexIp = client is null ? "00000000" : HexIp(client);
        var host = client is null ? "unknown" : IrcParameters.Address(client.ToString());
        return new UserTemplate(Fill(ident.Username, hexIp, host), Fill(ident.Realname, hexIp, host));
    }

    /// <summary>
    /// An IPv4 address as 8 lower-case hex digits (Kiwi's and qwebirc's ident, 198.51.100.7 is c6336407). An IPv6
    /// address has no such form in 8 characters: it gets the first 8 hex digits of the SHA-256 of its /64 prefix,
    /// the same for every address of that /64 and different between prefixes, but not an address.
    /// </summary>
    public static string HexIp(IPAddress address)
    {
        address = ClientAddress.Normalize(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4) return Convert.ToHexStringLower(bytes[..4]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..Ipv6PrefixBytes], hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    private static string? Fill(string? template, string hexIp, string host) =>
        template?.Replace(HexIpPlaceholder, hexIp, StringComparison.Ordinal).Replace(HostPlaceholder, host, StringComparison.Ordinal);
}

/// <summary>The IRCv3 WEBIRC options of one browser: how it reached the gateway.</summary>
internal readonly record struct WebircFlags(bool Secure, int? RemotePort, int? LocalPort)
{
    /// <summary>The flags of a WEBIRC options parameter as <see cref="WebircIdentity.Flags"/> writes it (a record keeps it so).</summary>
    public static WebircFlags Parse(string? flags)
    {
        var secure = false;
        int? remote = null, local = null;
        foreach (var flag in (flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (flag == "secure") secure = true;
            else if (flag.StartsWith("remote-port=", StringComparison.Ordinal)) remote = Port(flag["remote-port=".Length..]);
            else if (flag.StartsWith("local-port=", StringComparison.Ordinal)) local = Port(flag["local-port=".Length..]);
        }
        return new WebircFlags(secure, remote, local);
    }

    private static int? Port(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
}

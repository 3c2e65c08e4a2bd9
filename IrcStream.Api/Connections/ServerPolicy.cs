using System.Net;
using System.Net.Sockets;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Connections;

/// <summary>What <c>IrcStream:AllowedServers</c> says about a server a browser asked for.</summary>
internal sealed record ServerDecision(bool Allowed, Func<IPAddress, bool>? IsAddressAllowed);

/// <summary>
/// Applies <c>IrcStream:AllowedServers</c>. An entry with a wildcard host never reaches a loopback, private,
/// link-local or cloud-metadata address: that is checked on each resolved address at connect time, so a DNS
/// name pointing inside cannot get around it. Only an entry naming the host literally allows such an address.
/// </summary>
internal sealed class ServerPolicy
{
    private static readonly Func<IPAddress, bool> PublicOnly = address => !IsInternal(address);
    private readonly ServerPattern[] _patterns;

    public ServerPolicy(IOptions<IrcStreamOptions> options)
    {
        _patterns = options.Value.AllowedServers
            .Select(entry => ServerPattern.TryParse(entry, out var pattern, out _) ? pattern : null)
            .OfType<ServerPattern>()
            .ToArray();
    }

    public ServerDecision Decide(ServerEndpoint endpoint)
    {
        var matching = _patterns.Where(p => p.Matches(endpoint)).ToArray();
        if (matching.Length == 0) return new ServerDecision(false, null);
        if (matching.Any(p => p.IsLiteralHost)) return new ServerDecision(true, null);
        if (IPAddress.TryParse(endpoint.Host, out var literal) && IsInternal(literal)) return new ServerDecision(false, null);
        return new ServerDecision(true, PublicOnly);
    }

    /// <summary>Loopback, unspecified, private, shared (CGNAT), link-local (incl. 169.254.169.254), unique-local, multicast and reserved.</summary>
    internal static bool IsInternal(IPAddress address)
    {
        address = ClientAddress.Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] >= 64 && b[1] <= 127,
                169 => b[1] == 254,
                172 => b[1] >= 16 && b[1] <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] == 0),
                198 => b[1] is 18 or 19,
                >= 224 => true,
                _ => false,
            };
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast) return true;
        var bytes = address.GetAddressBytes();
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that may itself be internal.
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsInternal(new IPAddress(bytes.AsSpan(12, 4)));
        if (bytes[0] == 0x20 && bytes[1] == 0x02) return IsInternal(new IPAddress(bytes.AsSpan(2, 4)));
        return false;
    }
}

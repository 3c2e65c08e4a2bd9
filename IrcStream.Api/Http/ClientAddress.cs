using System.Net;
using System.Net.Sockets;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Http;

/// <summary>
/// One spelling per address, for every list, limit and count that looks at one. An IPv4 peer on a dual-stack
/// socket arrives as <c>::ffff:a.b.c.d</c>; it is the same client as <c>a.b.c.d</c> and is written that way. An IPv6
/// client is counted by its prefix (<c>IrcStream:Ipv6PrefixLength</c>, a /64 unless configured), since one person
/// holds a whole /64 and could otherwise take a new address for every request.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The client's address after trusted forwarded headers, normalised; null when the server does not know it.</summary>
    public static IPAddress? Of(HttpContext context) => context.Connection.RemoteIpAddress is { } address ? Normalize(address) : null;

    /// <summary>
    /// The client's address as the key of its limits and counts (<c>198.51.100.7</c>, or an IPv6 client's network,
    /// <c>2001:db8:1:2::/64</c>); <c>unknown</c> when the server does not know it.
    /// </summary>
    public static string KeyOf(HttpContext context) =>
        Of(context) is { } address ? KeyOf(address, context.RequestServices.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Ipv6PrefixLength) : "unknown";

    /// <summary>An address as the key of its limits: IPv4 as it is, IPv6 as its network of <paramref name="ipv6PrefixLength"/> bits (as it is at 128).</summary>
    public static string KeyOf(IPAddress address, int ipv6PrefixLength)
    {
        address = Normalize(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 && ipv6PrefixLength < 128
            ? Network(address, ipv6PrefixLength).ToString()
            : address.ToString();
    }

    /// <summary>The network of <paramref name="prefixLength"/> bits that holds <paramref name="address"/> (its host bits cleared).</summary>
    public static IPNetwork Network(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }
}

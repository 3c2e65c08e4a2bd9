using System.Net;

namespace IrcStream.Api.Http;

/// <summary>
/// One spelling per address, for every list, limit and count that looks at one. An IPv4 peer on a dual-stack
/// socket arrives as <c>::ffff:a.b.c.d</c>; it is the same client as <c>a.b.c.d</c> and is written that way.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The client's address after trusted forwarded headers, normalised; null when the server does not know it.</summary>
    public static IPAddress? Of(HttpContext context) => context.Connection.RemoteIpAddress is { } address ? Normalize(address) : null;

    /// <summary>The client's address as the key of its limits and counts; <c>unknown</c> when the server does not know it.</summary>
    public static string KeyOf(HttpContext context) => Of(context)?.ToString() ?? "unknown";
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IrcStream.Api.Connections;

/// <summary>An IRC server as a browser names it: <c>host:port</c>, <c>[ipv6]:port</c> or a bare host.</summary>
internal readonly record struct ServerEndpoint(string Host, int Port)
{
    public const int PlainPort = 6667;
    public const int TlsPort = 6697;
    private const int MaxHostLength = 253;

    public override string ToString() => Domain.Connections.IrcConnectionOptions.FormatEndpoint(Host, Port);

    /// <summary>Parses <paramref name="text"/>; a bare host gets 6667, or 6697 when <paramref name="tls"/>.</summary>
    public static bool TryParse(string? text, bool tls, out ServerEndpoint endpoint, out string error)
    {
        endpoint = default;
        if (!HostPort.TrySplit(text, out var host, out var port, out error)) return false;

        if (host.Contains(':'))
        {
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' is not an IPv6 address.";
                return false;
            }
            host = v6.ToString();
        }
        else if (!IsHostName(host))
        {
            error = $"'{host}' is not a host name or IPv4 address: use letters, digits, '-' and '.', like irc.libera.chat.";
            return false;
        }

        var portNumber = tls ? TlsPort : PlainPort;
        if (port is not null && !TryParsePort(port, out portNumber))
        {
            error = $"The port '{port}' is not a number from 1 to 65535.";
            return false;
        }
        endpoint = new ServerEndpoint(host.ToLowerInvariant(), portNumber);
        return true;
    }

    internal static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    /// <summary>A DNS name (RFC 1123 labels) or a dotted IPv4 address.</summary>
    internal static bool IsHostName(string host)
    {
        if (host.Length is 0 or > MaxHostLength) return false;
        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
            }
        }
        return true;
    }
}

/// <summary>Splits <c>host:port</c>, <c>[ipv6]:port</c>, <c>[ipv6]</c> or <c>host</c>; the port is null when absent.</summary>
internal static class HostPort
{
    public static bool TrySplit(string? text, out string host, out string? port, out string error)
    {
        host = "";
        port = null;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "Give the IRC server as host:port, [ipv6]:port or host, e.g. irc.libera.chat:6697.";
            return false;
        }
        if (text.AsSpan().IndexOfAny(" \t\r\n\0/@") >= 0)
        {
            error = $"'{text}' contains a space, '/', '@' or a control character; give only host:port, e.g. irc.libera.chat:6697.";
            return false;
        }
        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                error = "An IPv6 address in brackets needs its closing ']', e.g. [2001:db8::1]:6697.";
                return false;
            }
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || rest.Length == 1)
                {
                    error = "After ']' comes ':' and the port, e.g. [2001:db8::1]:6697.";
                    return false;
                }
                port = rest[1..];
            }
            return true;
        }
        var colons = text.Count(c => c == ':');
        if (colons > 1)
        {
            error = "Put an IPv6 address in brackets, e.g. [2001:db8::1]:6697.";
            return false;
        }
        if (colons == 1)
        {
            var colon = text.IndexOf(':');
            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.Length == 0 || port.Length == 0)
            {
                error = $"'{text}' lacks its host or its port; give host:port, e.g. irc.libera.chat:6697.";
                return false;
            }
            return true;
        }
        host = text;
        return true;
    }
}

using System.Net;
using System.Text.RegularExpressions;

namespace IrcStream.Api.Connections;

/// <summary>One <c>IrcStream:AllowedServers</c> entry: <c>host:port</c> with <c>*</c> wildcards in the host or port.</summary>
internal sealed class ServerPattern
{
    private readonly Regex _host;
    private readonly Regex _port;

    private ServerPattern(string text, string host, string port)
    {
        Text = text;
        IsLiteralHost = !host.Contains('*');
        _host = Glob(host);
        _port = Glob(port);
    }

    public string Text { get; }

    /// <summary>The entry names its host without a wildcard, so it may reach that host whatever its address.</summary>
    public bool IsLiteralHost { get; }

    public bool Matches(ServerEndpoint endpoint) =>
        _host.IsMatch(endpoint.Host) && _port.IsMatch(endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static bool TryParse(string? text, out ServerPattern pattern, out string error)
    {
        pattern = null!;
        if (!HostPort.TrySplit(text, out var host, out var port, out error)) return false;
        if (port is null)
        {
            error = "An entry needs a port or '*': host:port, e.g. irc.libera.chat:6697 or *.libera.chat:*.";
            return false;
        }
        if (host.Contains(':'))
        {
            if (!IPAddress.TryParse(host, out var v6))
            {
                error = $"'{host}' is not an IPv6 address (wildcards are not supported inside brackets).";
                return false;
            }
            host = v6.ToString();
        }
        else if (!ServerEndpoint.IsHostName(host.Replace("*", "a", StringComparison.Ordinal)))
        {
            error = $"'{host}' is not a host name pattern: letters, digits, '-', '.' and '*'.";
            return false;
        }
        if (port != "*" && !port.All(c => char.IsAsciiDigit(c) || c == '*'))
        {
            error = $"The port '{port}' is not a number, '*' or digits with '*'.";
            return false;
        }
        pattern = new ServerPattern(text!, host.ToLowerInvariant(), port);
        return true;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

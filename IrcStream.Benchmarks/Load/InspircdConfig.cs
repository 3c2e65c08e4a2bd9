using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The config of a real InspIRCd 3 (the Debian package) on one loopback port, shared by the load harness and the
/// tests' server: clients only, limits raised so thousands of clients from 127.0.0.1 are let in and never
/// throttled, no hostname, ident or DNSBL look-ups (its resolver is 127.0.0.1, so no DNS query leaves the machine),
/// no MOTD file (so 422), and its pid file and log in <c>directory</c>.
/// </summary>
public static class InspircdConfig
{
    /// <summary>The config text; <paramref name="extra"/> is added at the end (modules, WEBIRC blocks).</summary>
    public static string For(string directory, int port, string serverName, string network, string description, string extra = "") =>
        string.Create(CultureInfo.InvariantCulture, $"""
            <server name="{serverName}" description="{description}" network="{network}">
            <admin name="{description}" nick="ircstream" email="ircstream@localhost">
            <bind address="127.0.0.1" port="{port}" type="clients">
            <connect name="clients" allow="*" timeout="60" pingfreq="600"
                     threshold="1000000" commandrate="100000000" fakelag="no"
                     recvq="65536" softsendq="1048576" hardsendq="8388608"
                     localmax="100000" globalmax="100000" limit="100000" maxchans="1000"
                     resolvehostnames="no" useident="no" usednsbl="no">
            <channels users="1000" opers="1000">
            <dns server="127.0.0.1" timeout="1">
            <pid file="{Path.Combine(directory, "inspircd.pid")}">
            <log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="{Path.Combine(directory, "ircd.log")}">
            {extra}
            """);
}

using System.Security.Cryptography;
using IrcStream.Benchmarks.Load;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real InspIRCd 3 (the Debian package) on a free loopback port, with a generated config in a temp dir:
/// IRCv3 caps (server-time, echo-message, message-tags, msgid, batch, account-tag) and WEBIRC (cgiirc).
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

    private InspircdServer(IrcServerHost host, string password)
    {
        _host = host;
        WebircPassword = password;
    }

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

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
    public static async Task<InspircdServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var host = await IrcServerHost.StartAsync("inspircd", (directory, port) => Prepare(directory, port, password), cancellationToken)
            .ConfigureAwait(false);
        return new InspircdServer(host, password);
    }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public override string ToString() => $"InspIRCd on {Host}:{Port}";

    private static ServerLaunch Prepare(string directory, int port, string webircPassword)
    {
        var configPath = Path.Combine(directory, "inspircd.conf");
        File.WriteAllText(configPath, Config(directory, port, webircPassword));
        return ServerLaunches.Inspircd(configPath);
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

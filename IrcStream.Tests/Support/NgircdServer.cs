using System.Globalization;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real ngIRCd (the Debian package) on a free loopback port, with a generated config in a temp dir.
/// </summary>
/// <remarks>
/// Unlike InspIRCd it registers at once, has no echo-message or server-time, throttles clients that send
/// fast (its penalty timer, so a burst of lines is answered over seconds), and drops to user nobody.
/// It does no DNS, ident or PAM lookups with this config.
/// </remarks>
public sealed class NgircdServer : ITestIrcServer
{
    public const string ServerName = "irc.ngircd.test";
    public const string BinaryPath = "/usr/sbin/ngircd";

    private readonly IrcServerHost _host;

    private NgircdServer(IrcServerHost host) => _host = host;

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

    /// <summary>The temp dir holding ngircd.conf.</summary>
    public string Directory => _host.Directory;

    /// <summary>The pid of the running server, or null after <see cref="StopAsync"/>.</summary>
    public int? ProcessId => _host.ProcessId;

    /// <summary>The last console lines of the running server (it logs there with -n).</summary>
    public string RecentOutput => _host.RecentOutput;

    /// <summary>Writes a config and starts the server; returns once its port accepts connections.</summary>
    public static async Task<NgircdServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var host = await IrcServerHost.StartAsync("ngircd", Prepare, cancellationToken).ConfigureAwait(false);
        return new NgircdServer(host);
    }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public override string ToString() => $"ngIRCd on {Host}:{Port}";

    private static ServerLaunch Prepare(string directory, int port)
    {
        var configPath = Path.Combine(directory, "ngircd.conf");
        var includeDirectory = Path.Combine(directory, "conf.d");
        System.IO.Directory.CreateDirectory(includeDirectory);
        File.WriteAllText(configPath, Config(port, includeDirectory));
        return new ServerLaunch(
            "ngIRCd",
            BinaryPath,
            ["-n", "-f", configPath],
            line => line.Contains("Can't bind socket", StringComparison.Ordinal)
                ? StartupSignal.PortInUse
                : line.Contains("ready.", StringComparison.Ordinal) && line.Contains(ServerName, StringComparison.Ordinal)
                    ? StartupSignal.Ready
                    : StartupSignal.None);
    }

    // IncludeDir points into the temp dir so the machine's /etc/ngircd/ngircd.conf.d cannot change the test server.
    private static string Config(int port, string includeDirectory) => string.Create(CultureInfo.InvariantCulture, $"""
        [Global]
        Name = {ServerName}
        Info = IrcStream test server
        AdminInfo1 = IrcStream tests
        AdminInfo2 = loopback only
        AdminEMail = ircstream@localhost
        Listen = 127.0.0.1
        Ports = {port}
        MotdPhrase = IrcStream test server

        [Limits]
        MaxConnections = 0
        MaxConnectionsIP = 0
        MaxJoins = 0
        MaxNickLength = 30
        PingTimeout = 120
        PongTimeout = 60

        [Options]
        PAM = no
        Ident = no
        DNS = no
        IncludeDir = {includeDirectory}

        """);
}

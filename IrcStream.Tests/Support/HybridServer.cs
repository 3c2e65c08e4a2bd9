using System.Globalization;
using System.Security.Cryptography;
using IrcStream.Processes;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real ircd-hybrid 8 (Debian's package, unpacked by test.sh into /opt/ircd-hybrid because installing it would remove
/// ngircd) on a free loopback port, with a generated config in a temp dir: a classic server without IRCv3 tags, with
/// WEBIRC from loopback and an operator who may KILL.
/// </summary>
/// <remarks>
/// It loads modules only from /usr/lib/ircd-hybrid/modules, the path it was built with, refuses to run as root, and looks
/// up every client's hostname through /etc/resolv.conf. So it starts in a private mount namespace (<c>unshare -m</c>) where
/// the unpacked modules are bind-mounted on that path and a resolv.conf naming an <see cref="NxdomainResolver"/> on
/// /etc/resolv.conf, then drops to the <c>irc</c> user. The fixture therefore needs root, as test.sh and CI have.
/// It writes nothing to its console: it is ready when its port accepts.
/// </remarks>
public sealed class HybridServer : ITestIrcServer
{
    public const string ServerName = "irc.hybrid.test";
    public const string OperName = "admin";
    private const string ModulePath = "/usr/lib/ircd-hybrid/modules";
    private const string RunAsUser = "irc";

    private readonly IrcServerHost _host;
    private readonly NxdomainResolver _resolver;

    private HybridServer(IrcServerHost host, NxdomainResolver resolver, string webircPassword, string operPassword)
    {
        _host = host;
        _resolver = resolver;
        WebircPassword = webircPassword;
        OperPassword = operPassword;
    }

    /// <summary>
    /// The folder ircd-hybrid's package was unpacked into (it holds usr/sbin/ircd-hybrid): $IRCSTREAM_HYBRID_ROOT, else
    /// /opt/ircd-hybrid (test.sh), else / when the package is installed; null when none has it.
    /// </summary>
    public static string? PackageRoot { get; } =
        new[] { Environment.GetEnvironmentVariable("IRCSTREAM_HYBRID_ROOT"), "/opt/ircd-hybrid", "/" }
            .FirstOrDefault(root => !string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "usr/sbin/ircd-hybrid")));

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

    /// <summary>The password of the WEBIRC auth block for gateways on 127.0.0.1.</summary>
    public string WebircPassword { get; }

    /// <summary>The password of the operator <see cref="OperName"/>, who may KILL.</summary>
    public string OperPassword { get; }

    public string Directory => _host.Directory;

    /// <summary>How many hostname lookups of the server its resolver has answered.</summary>
    public int HostnameQueriesAnswered => _resolver.Answered;

    /// <summary>The pid of the running server, or null after <see cref="StopAsync"/>.</summary>
    public int? ProcessId => _host.ProcessId;

    /// <summary>The server's log file (it writes nothing to its console).</summary>
    public string RecentOutput => File.Exists(Path.Combine(Directory, "ircd.log")) ? File.ReadAllText(Path.Combine(Directory, "ircd.log")) : "";

    /// <summary>Writes a config and starts the server; returns once its port accepts connections.</summary>
    /// <exception cref="InvalidOperationException">ircd-hybrid is not unpacked (run test.sh), or the tests do not run as root.</exception>
    public static async Task<HybridServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var root = PackageRoot ?? throw new InvalidOperationException(
            "ircd-hybrid is not unpacked in /opt/ircd-hybrid (or $IRCSTREAM_HYBRID_ROOT); ./test.sh puts it there.");
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("The ircd-hybrid fixture needs root (a private mount namespace and port 53 for its resolver); run the tests as root, as test.sh does in CI.");
        }
        var webircPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var operPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var resolver = NxdomainResolver.Start();
        try
        {
            var host = await IrcServerHost.StartAsync("hybrid", (directory, port) => Prepare(root, directory, port, resolver, webircPassword, operPassword),
                cancellationToken).ConfigureAwait(false);
            return new HybridServer(host, resolver, webircPassword, operPassword);
        }
        catch
        {
            await resolver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync().ConfigureAwait(false);
        await _resolver.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => $"ircd-hybrid on {Host}:{Port}";

    private static ServerLaunch Prepare(string root, string directory, int port, NxdomainResolver resolver, string webircPassword, string operPassword)
    {
        var file = (string name) => Path.Combine(directory, name);
        File.WriteAllText(file("ircd.conf"), Config(port, webircPassword, operPassword));
        File.WriteAllText(file("resolv.conf"), $"nameserver {resolver.Address}\n");
        // The script runs in the new mount namespace: the mounts are seen by this server alone and go with it. exec keeps
        // one pid from unshare to the server, so killing that pid kills the server.
        const string Script = """
            set -e
            chown -R "$1" "$2"
            mkdir -p "$3"
            mount --bind "$4" "$3"
            mount --bind "$2/resolv.conf" /etc/resolv.conf
            user="$1"; dir="$2"; binary="$5"
            shift 5
            exec setpriv --reuid "$user" --regid "$user" --clear-groups "$binary" -foreground -configfile "$dir/ircd.conf" \
              -pidfile "$dir/ircd.pid" -logfile "$dir/ircd.log" -klinefile "$dir/kline.db" -dlinefile "$dir/dline.db" \
              -xlinefile "$dir/xline.db" -resvfile "$dir/resv.db"
            """;
        return new ServerLaunch(
            "ircd-hybrid",
            "unshare",
            ["-m", "--propagation", "private", "sh", "-c", Script, "ircd-hybrid-test", RunAsUser, directory, ModulePath,
                Path.Combine(root, "usr/lib/ircd-hybrid/modules"), Path.Combine(root, "usr/sbin/ircd-hybrid")],
            line => line.Contains("Address already in use", StringComparison.OrdinalIgnoreCase) ? StartupSignal.PortInUse : StartupSignal.None,
            SaysNothing: true);
    }

    // The first auth block lets a gateway on loopback send WEBIRC with the password; clients without it fall through to the
    // second (no need_password). Throttles and flood limits are raised so that tests connecting quickly are not refused.
    private static string Config(int port, string webircPassword, string operPassword) => string.Create(CultureInfo.InvariantCulture, $$"""
        serverinfo {
            name = "{{ServerName}}";
            sid = "0HY";
            description = "IrcStream test server";
            network_name = "HybridTest";
            network_description = "IrcStream tests";
            hub = no;
            default_max_clients = 512;
            max_nick_length = 30;
            max_topic_length = 300;
        };
        admin {
            name = "IrcStream tests";
            description = "loopback only";
            email = "<ircstream@localhost>";
        };
        class {
            name = "users";
            ping_time = 90 seconds;
            number_per_ip_local = 1000;
            number_per_ip_global = 1000;
            max_number = 1000;
            cidr_bitlen_ipv4 = 32;
            cidr_bitlen_ipv6 = 128;
            number_per_cidr = 1000;
            sendq = 1 megabyte;
            recvq = 2560 bytes;
        };
        class {
            name = "opers";
            ping_time = 90 seconds;
            number_per_ip_local = 1000;
            max_number = 1000;
            sendq = 1 megabyte;
        };
        listen {
            host = "127.0.0.1";
            port = {{port}};
        };
        auth {
            user = "*@127.0.0.1";
            password = "{{webircPassword}}";
            class = "users";
            flags = webirc, exceed_limit, can_flood;
        };
        auth {
            user = "*@*";
            class = "users";
            flags = exceed_limit, can_flood;
        };
        operator {
            name = "{{OperName}}";
            user = "*@127.0.0.1";
            password = "{{operPassword}}";
            encrypted = no;
            class = "opers";
            umodes = locops, servnotice, wallop;
            flags = kill, kill:remote, rehash, admin;
        };
        channel {
            disable_fake_channels = yes;
            max_channels = 100;
            max_invites = 20;
            max_bans = 100;
        };
        serverhide {
            hide_servers = no;
        };
        general {
            throttle_count = 1000;
            throttle_time = 0 seconds;
            ping_cookie = no;
            disable_auth = yes;
            max_targets = 4;
            pace_wait = 0 seconds;
            pace_wait_simple = 0 seconds;
            anti_spam_exit_message_time = 0 seconds;
            default_floodcount = 1000;
            default_floodtime = 1 second;
            no_oper_flood = yes;
        };
        modules {
            path = "{{ModulePath}}";
            path = "{{ModulePath}}/autoload";
        };
        log {
            use_logging = no;
        };

        """);
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IrcStream.Processes;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real Ergo (the IRCv3 server; v2.11.1 in ../shared/tools/ergo, or any <c>ergo</c> on PATH that says it is Ergo) on a
/// free loopback port, with a fresh config and database in a temp dir: <c>draft/chathistory</c>, <c>draft/event-playback</c>,
/// account registration (<c>draft/account-registration</c>, with e-mail verification through <see cref="ErgoServerOptions.SmtpPort"/>
/// when set), SASL PLAIN, MONITOR, WEBIRC from loopback and an operator that may KILL.
/// </summary>
/// <remarks>
/// The config is the release's documented default (shared/tools/ergo/default.yaml) cut down to what a test server needs,
/// with the limits a test would trip over turned off: connection and registration throttling, fakelag, IP cloaking and
/// multiclient by default. It keeps Ergo's default nick reservation, so a registered account's nick is held for its owner.
/// </remarks>
public sealed class ErgoServer : ITestIrcServer
{
    public const string ServerName = "irc.ergo.test";
    public const string OperName = "admin";

    private static readonly Lazy<string?> Binary = new(FindBinary);

    private readonly IrcServerHost _host;

    private ErgoServer(IrcServerHost host, string webircPassword, string operPassword)
    {
        _host = host;
        WebircPassword = webircPassword;
        OperPassword = operPassword;
    }

    /// <summary>Where the tests found Ergo, or null when it is neither on PATH nor in ../shared/tools/ergo.</summary>
    public static string? BinaryPath => Binary.Value;

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

    /// <summary>The WEBIRC password a gateway on 127.0.0.0/8 may use.</summary>
    public string WebircPassword { get; }

    /// <summary>The password of the operator <see cref="OperName"/> (<c>OPER admin password</c>), who may KILL.</summary>
    public string OperPassword { get; }

    /// <summary>The temp dir holding ircd.yaml and the database.</summary>
    public string Directory => _host.Directory;

    /// <summary>The pid of the running server, or null after <see cref="StopAsync"/>.</summary>
    public int? ProcessId => _host.ProcessId;

    /// <summary>The last console lines of the running server (it logs to stderr).</summary>
    public string RecentOutput => _host.RecentOutput;

    /// <summary>Writes a config, creates the database and starts the server; returns once its port accepts connections.</summary>
    /// <exception cref="InvalidOperationException">Ergo is neither on PATH nor in ../shared/tools/ergo.</exception>
    public static async Task<ErgoServer> StartAsync(ErgoServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var binary = BinaryPath ?? throw new InvalidOperationException(
            "Ergo (the IRC server) is neither on PATH nor in ../shared/tools/ergo beside the repository; see shared/tools/ergo/README.md.");
        var webircPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var operPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var hashes = (Webirc: await HashAsync(binary, webircPassword, cancellationToken).ConfigureAwait(false),
            Oper: await HashAsync(binary, operPassword, cancellationToken).ConfigureAwait(false));
        var host = await IrcServerHost.StartAsync("ergo", (directory, port) => Prepare(binary, directory, port, hashes, options ?? new()), cancellationToken)
            .ConfigureAwait(false);
        return new ErgoServer(host, webircPassword, operPassword);
    }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config and database.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public override string ToString() => $"Ergo on {Host}:{Port}";

    private static ServerLaunch Prepare(string binary, string directory, int port, (string Webirc, string Oper) hashes, ErgoServerOptions options)
    {
        var configPath = Path.Combine(directory, "ircd.yaml");
        File.WriteAllText(configPath, Config(port, hashes, options));
        RunToEnd(binary, ["initdb", "--conf", configPath, "--quiet"], directory, stdin: null);
        return new ServerLaunch(
            "Ergo",
            binary,
            ["run", "--conf", configPath],
            line => line.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                ? StartupSignal.PortInUse
                : line.Contains("Server running", StringComparison.Ordinal)
                    ? StartupSignal.Ready
                    : StartupSignal.None);
    }

    /// <summary>Ergo wants bcrypt hashes for WEBIRC and operator passwords; it makes them itself (<c>ergo genpasswd</c>).</summary>
    private static Task<string> HashAsync(string binary, string password, CancellationToken cancellationToken) =>
        Task.Run(() => RunToEnd(binary, ["genpasswd", "--quiet"], Path.GetTempPath(), stdin: password).Trim(), cancellationToken);

    private static string RunToEnd(string binary, IReadOnlyList<string> arguments, string workingDirectory, string? stdin)
    {
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start.");
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"ergo {string.Join(' ', arguments)} did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ergo {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}{error.Result}");
        }
        return output;
    }

    /// <summary>An <c>ergo</c> on PATH that says it is Ergo (Debian's <c>ergo</c> is a chemistry program), else ../shared/tools/ergo/ergo.</summary>
    private static string? FindBinary()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "ergo"))
            .FirstOrDefault(File.Exists);
        if (onPath is not null && IsErgo(onPath)) return onPath;
        var shared = RepositoryRoot() is { } root ? Path.GetFullPath(Path.Combine(root, "..", "shared", "tools", "ergo", "ergo")) : null;
        return shared is not null && File.Exists(shared) ? shared : null;
    }

    private static bool IsErgo(string path)
    {
        try
        {
            return RunToEnd(path, ["--version"], Path.GetTempPath(), stdin: null).StartsWith("ergo-", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IrcStream.sln"))) return folder.FullName;
        }
        return null;
    }

    private static string Config(int port, (string Webirc, string Oper) hashes, ErgoServerOptions options)
    {
        var email = options.SmtpPort is { } smtp
            ? $"""
                        email-verification:
                            enabled: true
                            sender: "ergo@{ServerName}"
                            require-tls: false
                            helo-domain: "{ServerName}"
                            mta:
                                server: 127.0.0.1
                                port: {smtp}
                            timeout: 10s
                """
            : """
                        email-verification:
                            enabled: false
                """;
        return string.Create(CultureInfo.InvariantCulture, $"""
            network:
                name: ErgoTest
            server:
                name: {ServerName}
                listeners:
                    "127.0.0.1:{port}": {"{}"}
                casemapping: "ascii"
                enforce-utf8: true
                lookup-hostnames: false
                check-ident: false
                coerce-ident: '~u'
                motd-formatting: true
                relaymsg:
                    enabled: false
                webirc:
                    -
                        password: "{hashes.Webirc}"
                        hosts:
                            - 127.0.0.0/8
                max-sendq: 96k
                compatibility:
                    force-trailing: true
                    send-unprefixed-sasl: true
                    allow-truncation: false
                ip-limits:
                    count: false
                    throttle: false
                ip-cloaking:
                    enabled: false
            accounts:
                authentication-enabled: true
                registration:
                    enabled: true
                    allow-before-connect: true
                    throttling:
                        enabled: false
                    bcrypt-cost: 4
                    verify-timeout: "32h"
            {email}
                login-throttling:
                    enabled: false
                skip-server-password: false
                login-via-pass-command: true
                nick-reservation:
                    enabled: true
                    additional-nick-limit: 0
                    method: strict
                    allow-custom-enforcement: false
                    guest-nickname-format: "Guest-*"
                    force-guest-format: false
                    force-nick-equals-account: true
                    forbid-anonymous-nick-changes: false
                multiclient:
                    enabled: true
                    allowed-by-default: false
                    always-on: "disabled"
                    auto-away: "disabled"
                default-user-modes: ""
            channels:
                default-modes: +nt
                max-channels-per-client: 100
                operator-only-creation: false
                registration:
                    enabled: true
                    operator-only: false
                    max-channels-per-account: 15
            oper-classes:
                "server-admin":
                    title: Server Admin
                    capabilities: ["kill", "ban", "nofakelag", "samode", "sajoin", "rehash", "accreg", "chanreg", "history"]
            opers:
                {OperName}:
                    class: "server-admin"
                    password: "{hashes.Oper}"
            logging:
                -
                    method: stderr
                    type: "* -userinput -useroutput"
                    level: info
            lock-file: "ircd.lock"
            datastore:
                path: ircd.db
                autoupgrade: true
            languages:
                enabled: false
            limits:
                nicklen: 32
                identlen: 20
                channellen: 64
                awaylen: 390
                kicklen: 390
                topiclen: 390
                monitor-entries: 100
                whowas-entries: 100
                chan-list-modes: 60
                registration-messages: 1024
                multiline:
                    max-bytes: 4096
                    max-lines: 100
            fakelag:
                enabled: false
            history:
                enabled: true
                channel-length: 2048
                client-length: 256
                autoresize-window: 3d
                autoreplay-on-join: 0
                chathistory-maxmessages: 1000
                znc-maxmessages: 2048
                restrictions:
                    expire-time: 1w
                    query-cutoff: 'none'
                    grace-period: 1h
                persistent:
                    enabled: false
            allow-environment-overrides: false

            """);
    }
}

/// <summary>How <see cref="ErgoServer"/> is configured beyond its defaults.</summary>
public sealed record ErgoServerOptions
{
    /// <summary>
    /// When set, account registration needs e-mail verification, and Ergo sends the code through an SMTP server on this
    /// loopback port (<see cref="SmtpSink"/>); unset, <c>REGISTER</c> creates the account at once.
    /// </summary>
    public int? SmtpPort { get; init; }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A real InspIRCd (Debian's <c>/usr/sbin/inspircd</c>) on a free loopback port, for the harness's scenarios that
/// need a real server's welcome: no MOTD file (so 422), limits raised so thousands of clients from 127.0.0.1 are
/// let in. Disposing stops it and removes its directory.
/// </summary>
public sealed class InspircdProcess : IAsyncDisposable
{
    public const string BinaryPath = "/usr/sbin/inspircd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;

    private InspircdProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Server = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    /// <summary>The <c>host:port</c> a gateway connection request names.</summary>
    public string Server { get; }

    public static async Task<InspircdProcess> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("ircstream-load-inspircd-").FullName;
        var port = FreePort();
        var config = Path.Combine(directory, "inspircd.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            <server name="irc.load.test" description="IrcStream load harness" network="IrcStreamLoad">
            <admin name="IrcStream load" nick="ircstream" email="ircstream@localhost">
            <bind address="127.0.0.1" port="{port}" type="clients">
            <connect name="load" allow="*" timeout="60" pingfreq="600"
                     threshold="1000000" commandrate="100000000" fakelag="no"
                     recvq="65536" softsendq="1048576" hardsendq="8388608"
                     localmax="100000" globalmax="100000" limit="100000" maxchans="1000"
                     resolvehostnames="no" useident="no" usednsbl="no">
            <channels users="1000" opers="1000">
            <dns server="127.0.0.1" timeout="1">
            <pid file="{Path.Combine(directory, "inspircd.pid")}">
            <log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="{Path.Combine(directory, "ircd.log")}">

            """), cancellationToken);
        var start = new ProcessStartInfo(BinaryPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--runasroot", "--nofork", $"--config={config}" }) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{BinaryPath} did not start.");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(StartTimeout);
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.Contains("InspIRCd is now running", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new InspircdProcess(process, directory, port);
                }
            }
            throw new InvalidOperationException($"InspIRCd exited before it was ready (port {port}).");
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A real InspIRCd (Debian's <c>/usr/sbin/inspircd</c>) on a free loopback port, for the harness's scenarios that
/// need a real server's welcome: no MOTD file (so 422), limits raised so thousands of clients from 127.0.0.1 are
/// let in. Disposing stops it and removes its directory.
/// </summary>
public sealed class InspircdProcess : IAsyncDisposable
{
    public const string BinaryPath = "/usr/sbin/inspircd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ServerProcess _process;
    private readonly string _directory;

    private InspircdProcess(ServerProcess process, string directory, int port)
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
        var port = ServerProcess.FreeLoopbackPort();
        var config = Path.Combine(directory, "inspircd.conf");
        await File.WriteAllTextAsync(config, InspircdConfig.For(directory, port, "irc.load.test", "IrcStreamLoad", "IrcStream load harness"), cancellationToken);
        var start = new ProcessStartInfo(BinaryPath);
        foreach (var argument in new[] { "--runasroot", "--nofork", $"--config={config}" }) start.ArgumentList.Add(argument);
        try
        {
            return new InspircdProcess(await ServerProcess.StartAsync(start, "InspIRCd is now running", StartTimeout, cancellationToken), directory, port);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

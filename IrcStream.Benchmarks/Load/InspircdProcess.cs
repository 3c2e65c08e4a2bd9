using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A real InspIRCd (Debian's <c>/usr/sbin/inspircd</c>) on a free loopback port, for the harness's scenarios that
/// need a real server's welcome: no MOTD file (so 422), limits raised so thousands of clients from 127.0.0.1 are
/// let in. Disposing stops it and removes its directory.
/// </summary>
public sealed class InspircdProcess : IAsyncDisposable
{
    private readonly IrcServerHost _host;

    private InspircdProcess(IrcServerHost host) => _host = host;

    /// <summary>The <c>host:port</c> a gateway connection request names.</summary>
    public string Server => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_host.Port}");

    public static async Task<InspircdProcess> StartAsync(CancellationToken cancellationToken) =>
        new(await IrcServerHost.StartAsync("load-inspircd", (directory, port) =>
        {
            var config = Path.Combine(directory, "inspircd.conf");
            File.WriteAllText(config, InspircdConfig.For(directory, port, "irc.load.test", "IrcStreamLoad", "IrcStream load harness"));
            return ServerLaunches.Inspircd(config);
        }, cancellationToken));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

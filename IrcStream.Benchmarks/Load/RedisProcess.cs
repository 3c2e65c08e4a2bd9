using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>A redis-server (the Debian package) for the Redis-mode scenarios: a free loopback port, no persistence; killed on dispose.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly IrcServerHost _host;

    private RedisProcess(IrcServerHost host) => _host = host;

    public int Port => _host.Port;

    /// <summary>The gateway's <c>IrcStream:Redis:Configuration</c> for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static async Task<RedisProcess> StartAsync(CancellationToken cancellationToken) =>
        new(await IrcServerHost.StartAsync("load-redis", (directory, port) => ServerLaunches.Redis(directory, port), cancellationToken));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

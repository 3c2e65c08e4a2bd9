using System.Diagnostics;
using System.Globalization;

namespace IrcStream.Benchmarks.Load;

/// <summary>A redis-server (the Debian package) for the Redis-mode scenarios: a free loopback port, no persistence; killed on dispose.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    public const string BinaryPath = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ServerProcess _process;

    private RedisProcess(ServerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The gateway's <c>IrcStream:Redis:Configuration</c> for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static async Task<RedisProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = ServerProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(BinaryPath);
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            start.ArgumentList.Add(argument);
        return new RedisProcess(await ServerProcess.StartAsync(start, "Ready to accept connections", StartTimeout, cancellationToken), port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

using System.Globalization;

namespace IrcStream.Tests.Support;

/// <summary>
/// A real redis-server (the Debian package) on a free loopback port, without persistence, in a temp dir;
/// stopped by pid. <see cref="RestartAsync"/> brings it back empty on the same port, as after a crash.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string BinaryPath = ServerLaunches.RedisPath;

    private readonly IrcServerHost _host;

    private RedisServer(IrcServerHost host) => _host = host;

    public string Host => "127.0.0.1";

    public int Port => _host.Port;

    /// <summary>The pid of the running server, or null after <see cref="StopAsync"/>.</summary>
    public int? ProcessId => _host.ProcessId;

    public string RecentOutput => _host.RecentOutput;

    /// <summary>A StackExchange.Redis configuration string for this server (<c>IrcStream:Redis:Configuration</c>).</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>Starts the server; returns once it says it is ready and its port accepts connections.</summary>
    /// <param name="persistent">
    /// Keep every write in an append-only file (fsync each), so a restart comes back with the data, as a production
    /// Redis with AOF does; without it a restart comes back empty.
    /// </param>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default, bool persistent = false)
    {
        var host = await IrcServerHost.StartAsync("redis", (directory, port) => ServerLaunches.Redis(directory, port, persistent), cancellationToken).ConfigureAwait(false);
        return new RedisServer(host);
    }

    /// <summary>
    /// Kills the server by pid and starts it again on the same port: empty, unless started persistent, or a <c>SAVE</c>
    /// wrote a snapshot (then it comes back as the snapshot had it, as a Redis with RDB persistence does after a crash).
    /// </summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => _host.RestartAsync(cancellationToken);

    /// <summary>
    /// Kills the server by pid and starts it again on the same port with nothing of what it held, as a Redis without
    /// persistence comes back after a crash (a persistent one's append-only file is removed first).
    /// </summary>
    public async Task RestartEmptyAsync(CancellationToken cancellationToken = default)
    {
        await _host.StopAsync().ConfigureAwait(false);
        var appendOnly = Path.Combine(_host.Directory, "appendonlydir");
        if (Directory.Exists(appendOnly)) Directory.Delete(appendOnly, recursive: true);
        await _host.RestartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGSTOP: the server answers nothing, its clients' connections stay open, until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signals.Send(ProcessId ?? throw new InvalidOperationException("redis-server is not running."), Signals.Stop);

    /// <summary>SIGCONT: a frozen server runs on, with everything it held.</summary>
    public void Thaw() => Signals.Send(ProcessId ?? throw new InvalidOperationException("redis-server is not running."), Signals.Continue);

    /// <summary>Kills the server by pid; its clients see the connection drop.</summary>
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public override string ToString() => $"redis-server on {Configuration}";
}

/// <summary>One redis-server shared by a collection's tests; each test keeps apart with its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The Redis fixture has not started.");

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string name) => $"test-{name}-{Guid.NewGuid():N}";
}

[CollectionDefinition("Redis")]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>;

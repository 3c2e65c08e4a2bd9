namespace IrcStream.Processes;

/// <summary>
/// The life of one server process beside the gateway (InspIRCd, ngircd, redis-server): a temp dir with its generated
/// config, a port, and the current process. Used by the tests' fixtures and the load harness.
/// </summary>
public sealed class IrcServerHost : IAsyncDisposable
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan RestartBindPatience = TimeSpan.FromSeconds(10);

    private readonly ServerLaunch _launch;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ServerProcess? _process;
    private bool _disposed;

    private IrcServerHost(ServerLaunch launch, string directory, int port, ServerProcess process)
    {
        _launch = launch;
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The pid of the running server, or null when stopped.</summary>
    public int? ProcessId => _process?.Id;

    public string RecentOutput => _process?.RecentOutput ?? "";

    /// <summary>
    /// Writes the config (via <paramref name="prepare"/>, given the temp dir and port) and starts the server,
    /// trying a new port and dir when the chosen port was taken between <see cref="FreePort.Next"/> and the bind.
    /// </summary>
    public static async Task<IrcServerHost> StartAsync(string name, Func<string, int, ServerLaunch> prepare, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = System.IO.Directory.CreateTempSubdirectory($"ircstream-{name}-").FullName;
            var port = FreePort.Next();
            try
            {
                var launch = prepare(directory, port);
                var process = await ServerProcess.StartAsync(launch, directory, port, cancellationToken).ConfigureAwait(false);
                return new IrcServerHost(launch, directory, port, process);
            }
            catch (ServerPortInUseException) when (attempt < PortAttempts)
            {
                DeleteDirectory(directory);
            }
            catch
            {
                DeleteDirectory(directory);
                throw;
            }
        }
    }

    /// <summary>Kills the server and starts it again with the same port and config.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopCoreAsync().ConfigureAwait(false);
            // Someone may grab the port while it is free; wait a little for them to let go rather than fail at once.
            var deadline = DateTime.UtcNow + RestartBindPatience;
            while (true)
            {
                try
                {
                    _process = await ServerProcess.StartAsync(_launch, Directory, Port, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (ServerPortInUseException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            await StopCoreAsync().ConfigureAwait(false);
            DeleteDirectory(Directory);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopCoreAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null) await process.DisposeAsync().ConfigureAwait(false);
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

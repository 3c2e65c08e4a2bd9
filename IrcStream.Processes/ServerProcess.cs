using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace IrcStream.Processes;

/// <summary>What a line of a server's console output says about its start.</summary>
public enum StartupSignal
{
    None,
    Ready,
    PortInUse,
}

/// <summary>How to run one IRC server binary and read its console.</summary>
/// <param name="SaysNothing">The server writes nothing to its console when it is ready (ircd-hybrid): it is ready once its port accepts.</param>
public sealed record ServerLaunch(
    string Name, string FileName, IReadOnlyList<string> Arguments, Func<string, StartupSignal> Classify, bool SaysNothing = false);

/// <summary>The server could not bind its port (someone took it after <see cref="FreePort"/> picked it).</summary>
public sealed class ServerPortInUseException(string message) : Exception(message);

/// <summary>
/// One running server process: started with its console read, killed by pid. Every live process is
/// also killed on <see cref="AppDomain.ProcessExit"/>, and a small shell watchdog kills it if the test
/// process dies without running that (SIGKILL, crash), so no server outlives the test run.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputTailLines = 60;
    // Generous: these servers start in milliseconds, but a loaded two-core machine may not run them for a while.
    // A server that exits fails at once, with its output.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly ConcurrentQueue<string> _output;
    private int _disposed;

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllLive();
    }

    private ServerProcess(Process process, Process? watchdog, ConcurrentQueue<string> output)
    {
        _process = process;
        _watchdog = watchdog;
        _output = output;
    }

    public int Id => _process.Id;

    /// <summary>The last lines the server wrote to its console.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the server and returns once its console says it is ready and its port accepts a connection.
    /// </summary>
    /// <exception cref="ServerPortInUseException">The port was taken.</exception>
    public static async Task<ServerProcess> StartAsync(ServerLaunch launch, string workingDirectory, int port, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(launch.FileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in launch.Arguments) info.ArgumentList.Add(argument);

        var output = new ConcurrentQueue<string>();
        var signal = new TaskCompletionSource<StartupSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawPortInUse = false;
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            while (output.Count > OutputTailLines) output.TryDequeue(out _);
            var kind = launch.Classify(e.Data);
            if (kind == StartupSignal.PortInUse) sawPortInUse = true;
            if (kind != StartupSignal.None) signal.TrySetResult(kind);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        if (!process.Start()) throw new InvalidOperationException($"{launch.Name} did not start ({launch.FileName}).");
        Live[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, StartWatchdog(process.Id), output);
        if (launch.SaysNothing) signal.TrySetResult(StartupSignal.Ready);
        var (pid, saidReady) = (process.Id, false);

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            // WaitForExitAsync also waits for the console's end, so every line has been classified when it completes.
            var exited = process.WaitForExitAsync(timeout.Token);
            var first = await Task.WhenAny(signal.Task, exited).ConfigureAwait(false);
            if (first == exited)
            {
                await exited.ConfigureAwait(false);
                if (sawPortInUse) throw new ServerPortInUseException($"{launch.Name} could not bind 127.0.0.1:{port}.");
                throw new InvalidOperationException(
                    $"{launch.Name} exited with code {process.ExitCode} before it was ready. Its output:{Environment.NewLine}{server.RecentOutput}");
            }
            if (await signal.Task.ConfigureAwait(false) == StartupSignal.PortInUse)
            {
                throw new ServerPortInUseException($"{launch.Name} could not bind 127.0.0.1:{port}.");
            }
            saidReady = true;
            await WaitUntilAcceptingAsync(port, timeout.Token).ConfigureAwait(false);
            return server;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            var what = saidReady ? $"said it was ready, but 127.0.0.1:{port} did not accept a connection" : "did not say it was ready";
            throw new TimeoutException(
                $"{launch.Name} (pid {pid}) {what} within {StartTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{server.RecentOutput}");
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the process by its pid and waits for it to be gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await KillAsync(_process).ConfigureAwait(false);
        if (_watchdog is not null) await KillAsync(_watchdog).ConfigureAwait(false);
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill();
            using var timeout = new CancellationTokenSource(ExitTimeout);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
        }
        finally
        {
            Live.TryRemove(new KeyValuePair<int, Process>(process.Id, process));
            process.Dispose();
        }
    }

    /// <summary>Probes the port until it accepts; the caller's token bounds the wait (the start timeout).</summary>
    private static async Task WaitUntilAcceptingAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A shell loop that checks once a second whether the test process still lives and kills the server
    /// when it does not; it exits by itself when the server is gone.
    /// </summary>
    private static Process? StartWatchdog(int serverPid)
    {
        if (!File.Exists("/bin/sh")) return null;
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; done; kill -9 "$2" 2>/dev/null""");
        info.ArgumentList.Add("ircstream-test-watchdog");
        info.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(serverPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var watchdog = Process.Start(info);
        if (watchdog is not null) Live[watchdog.Id] = watchdog;
        return watchdog;
    }

    private static void KillAllLive()
    {
        foreach (var process in Live.Values)
        {
            try
            {
                process.Kill();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
    }
}

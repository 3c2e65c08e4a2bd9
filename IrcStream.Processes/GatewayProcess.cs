using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace IrcStream.Processes;

/// <summary>What to run as a gateway process, and how it says where it listens.</summary>
/// <param name="Start">The program, its arguments and environment; output and input are redirected by <see cref="GatewayProcess"/>.</param>
/// <param name="ListeningAt">The address a line of its output says it listens on, or null for any other line.</param>
public sealed record GatewayLaunch(ProcessStartInfo Start, Func<string, Uri?> ListeningAt);

/// <summary>
/// A gateway as its own process on 127.0.0.1 with a port of Kestrel's choosing: by default IrcStream.Api's apphost from
/// the caller's output directory, configured through environment variables (the tests: SIGTERM, SIGKILL, SIGSTOP, two
/// nodes sharing a Redis); or any other launch of it (the load harness's measuring child, <see cref="GatewayLaunch"/>).
/// Everything it prints is kept (<see cref="Output"/>) and handed to <see cref="LineReceived"/>.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>
    /// How long a start may take before it fails: generous, because a gateway JIT-compiling its start on a
    /// two-core machine beside the rest of the suite can take many seconds. A gateway that exits fails at once.
    /// </summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Func<string, Uri?> _listeningAt;

    private GatewayProcess(Process process, Func<string, Uri?> listeningAt)
    {
        _process = process;
        _listeningAt = listeningAt;
    }

    public Uri BaseAddress => _listening.Task.Result;

    public int ProcessId => _process.Id;

    /// <summary>Each line the process prints (standard output or error), as it comes; subscribe before asking it anything.</summary>
    public event Action<string>? LineReceived;

    /// <summary>Writes a line to the process's standard input.</summary>
    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>What the gateway printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>IrcStream.Api's apphost from this program's output directory, configured by <paramref name="environment"/>.</summary>
    public static Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        StartAsync(Api(environment), cancellationToken);

    /// <summary>How <see cref="StartAsync(IReadOnlyDictionary{string, string}, CancellationToken)"/> runs the gateway.</summary>
    public static GatewayLaunch Api(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "IrcStream.Api")) { WorkingDirectory = AppContext.BaseDirectory };
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new GatewayLaunch(info, line => ListeningLine().Match(line) is { Success: true } match ? new Uri(match.Groups[1].Value) : null);
    }

    /// <summary>Starts the gateway; returns once it says where it listens, or fails with what it printed when it exits first or takes too long.</summary>
    public static async Task<GatewayProcess> StartAsync(GatewayLaunch launch, CancellationToken cancellationToken)
    {
        var info = launch.Start;
        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;

        var gateway = new GatewayProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, launch.ListeningAt);
        gateway._process.OutputDataReceived += (_, e) => gateway.Record(e.Data);
        gateway._process.ErrorDataReceived += (_, e) => gateway.Record(e.Data);
        gateway._process.Exited += (_, _) => _ = gateway.ReportExitBeforeListeningAsync();
        gateway._process.Start();
        gateway._process.BeginOutputReadLine();
        gateway._process.BeginErrorReadLine();
        try
        {
            await gateway._listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            var pid = gateway._process.Id;
            await gateway.DisposeAsync();
            throw new TimeoutException(
                $"The gateway (pid {pid}) was still running but had not said where it listens after {StartTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{gateway.Output}");
        }
        catch
        {
            // Exited (the exception says how), or the test was cancelled: nothing is left running either way.
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    /// <summary>
    /// Fails the start with everything the process printed: Exited can be raised before the last lines are read, and
    /// WaitForExitAsync returns only once the redirected output has ended.
    /// </summary>
    private async Task ReportExitBeforeListeningAsync()
    {
        // An exit after the start (a kill, a stop) is the test's business, and the process may be disposed by then.
        if (_listening.Task.IsCompleted) return;
        await _process.WaitForExitAsync(CancellationToken.None);
        _listening.TrySetException(new InvalidOperationException(
            $"The gateway exited before listening (exit code {_process.ExitCode}). Its output:{Environment.NewLine}{Output}"));
    }

    /// <summary>Sends SIGTERM, as a container runtime or systemd does to stop the gateway.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>SIGKILL, as a crash or an OOM kill does: no shutdown code runs; returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        Signal(SigKill, "SIGKILL");
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGSTOP: the process is frozen (its sockets stay open, it answers nothing) until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(SigStop, "SIGSTOP");

    /// <summary>SIGCONT: a frozen process runs on from where it stopped.</summary>
    public void Thaw() => Signal(SigCont, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {name}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The gateway did not exit within {timeout.TotalSeconds:0.#} s:{Environment.NewLine}{Output}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A frozen process is killed too: SIGKILL needs no cooperation.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (!_listening.Task.IsCompleted && _listeningAt(line) is { } address) _listening.TrySetResult(address);
        LineReceived?.Invoke(line);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

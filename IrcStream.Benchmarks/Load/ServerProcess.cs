using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A server the harness runs beside the gateway (redis-server, InspIRCd): started, ready once it prints its ready
/// line on standard output, killed on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process) => _process = process;

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts <paramref name="start"/> (standard output redirected) and waits for a line containing <paramref name="readyLine"/>;
    /// fails with the process's exit code and last lines when it exits first, or with its last lines after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, string readyLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var name = Path.GetFileName(start.FileName);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var printed = new Queue<string>();
        void Keep(string line)
        {
            lock (printed)
            {
                printed.Enqueue(line);
                if (printed.Count > 40) printed.Dequeue();
            }
        }
        string Printed()
        {
            lock (printed) return string.Join(Environment.NewLine, printed);
        }
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Keep(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.Contains(readyLine, StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new ServerProcess(process);
                }
                Keep(line);
            }
            // Also waits for the end of standard error, so its last lines are in the message.
            await process.WaitForExitAsync(limit.Token);
            throw new InvalidOperationException($"{name} exited before it was ready (exit code {process.ExitCode}). Its output:{Environment.NewLine}{Printed()}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            process.Dispose();
            throw new TimeoutException($"{name} did not print \"{readyLine}\" within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Printed()}");
        }
        catch
        {
            if (!process.HasExited) process.Kill();
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
    }
}

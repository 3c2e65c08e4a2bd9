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

    /// <summary>Starts <paramref name="start"/> (standard output redirected) and waits for a line containing <paramref name="readyLine"/>.</summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, string readyLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var name = Path.GetFileName(start.FileName);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
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
            }
            throw new InvalidOperationException($"{name} exited before it was ready.");
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
    }
}

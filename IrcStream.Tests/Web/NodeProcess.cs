using System.ComponentModel;
using System.Diagnostics;
using IrcStream.Tests.Deployment;

namespace IrcStream.Tests.Web;

/// <summary>Runs node (Debian's nodejs) in the repository's root, for the web client's model tests.</summary>
internal static class NodeProcess
{
    /// <summary>Runs <c>node</c> with <paramref name="arguments"/>; returns its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Report)> RunAsync(TimeSpan limit, params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Path,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception error)
        {
            throw new InvalidOperationException("node is not installed: the web client's model tests need it (Debian: apt-get install nodejs; test.sh installs it).", error);
        }

        using (process)
        {
            var cancellation = TestContext.Current.CancellationToken;
            var output = process.StandardOutput.ReadToEndAsync(cancellation);
            var errors = process.StandardError.ReadToEndAsync(cancellation);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {string.Join(' ', arguments)} did not finish within {limit}.");
            }
            return (process.ExitCode, $"{await output}{await errors}");
        }
    }
}

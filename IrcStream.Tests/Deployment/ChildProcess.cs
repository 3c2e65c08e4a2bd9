using System.Diagnostics;
using System.Text;

namespace IrcStream.Tests.Deployment;

/// <summary>Runs a command to its end with a time limit, capturing what it prints.</summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>
    /// Variables that a parent <c>dotnet test</c> sets for itself and that would steer a nested <c>dotnet</c>
    /// build into the parent's MSBuild; a fresh shell (and a Docker build) has none of them.
    /// </summary>
    private static readonly string[] InheritedBuildVariablePrefixes = ["MSBuild", "MSBUILD", "DOTNET_HOST_PATH", "VSTEST"];

    public static async Task<Result> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = Start(fileName, arguments, workingDirectory, environment) };
        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' ran over {timeout.TotalSeconds:0} s:{Environment.NewLine}{output}");
        }
        lock (output) return new Result(process.ExitCode, output.ToString());
    }

    /// <summary>Starts a long-running process whose output is read and dropped; the caller kills it.</summary>
    public static Process StartBackground(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(Start(fileName, arguments, workingDirectory, environment))
                      ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var name in info.Environment.Keys.Where(k => InheritedBuildVariablePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToArray())
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return info;
    }
}

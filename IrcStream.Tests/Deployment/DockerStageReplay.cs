using System.Text.RegularExpressions;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// Carries out one Dockerfile stage on this machine, in a temp folder standing for the image's '/': WORKDIR,
/// COPY from the build context (minus .dockerignore) or from an earlier stage, RUN through bash with every
/// absolute path mapped into the folder, and ENV. What only the image records (USER, EXPOSE, HEALTHCHECK,
/// ENTRYPOINT) is kept for the tests to check; any other instruction is refused, so a Dockerfile change the
/// replay does not understand fails loudly instead of being skipped.
/// </summary>
public sealed partial class DockerStageReplay : IDisposable
{
    private static readonly HashSet<string> RecordedOnly = ["USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT"];

    /// <summary>
    /// A build container's MSBuild nodes and compiler server die with it; on this machine they would outlive
    /// the test, so the replayed RUN steps start none.
    /// </summary>
    private static readonly Dictionary<string, string> NoLingeringBuildProcesses = new()
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
    };

    private DockerStageReplay(string root) => Root = root;

    /// <summary>The folder that stands for the image's '/'.</summary>
    public string Root { get; }

    public string WorkingDirectory { get; private set; } = "/";

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public List<string> Log { get; } = [];

    public string Map(string imagePath) => Path.Combine(Root, imagePath.TrimStart('/'));

    public static async Task<DockerStageReplay> RunAsync(
        DockerStage stage, string context, DockerIgnore ignore, IReadOnlyDictionary<string, DockerStageReplay> earlierStages,
        TimeSpan runTimeout, CancellationToken cancellationToken)
    {
        var replay = new DockerStageReplay(Directory.CreateTempSubdirectory("ircstream-image-").FullName);
        try
        {
            foreach (var instruction in stage.Instructions)
            {
                switch (instruction.Keyword)
                {
                    case "WORKDIR":
                        replay.WorkingDirectory = Path.Combine(replay.WorkingDirectory, instruction.Arguments);
                        Directory.CreateDirectory(replay.Map(replay.WorkingDirectory));
                        break;
                    case "COPY":
                        replay.Copy(instruction.Arguments, context, ignore, earlierStages);
                        break;
                    case "ENV":
                        var (name, value) = instruction.Arguments.Split('=', 2) is [var n, var v] ? (n, v) : throw Unsupported(instruction);
                        replay.Environment[name] = value;
                        break;
                    case "RUN":
                        await replay.RunAsync(instruction.Arguments, runTimeout, cancellationToken);
                        break;
                    case var keyword when RecordedOnly.Contains(keyword):
                        break;
                    default:
                        throw Unsupported(instruction);
                }
            }
            return replay;
        }
        catch
        {
            replay.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing may hold a file for a moment; the temp folder is the OS's to clean then.
        }
    }

    private void Copy(string arguments, string context, DockerIgnore ignore, IReadOnlyDictionary<string, DockerStageReplay> earlierStages)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        DockerStageReplay? from = null;
        foreach (var flag in words.Where(w => w.StartsWith("--", StringComparison.Ordinal)).ToArray())
        {
            if (!flag.StartsWith("--from=", StringComparison.Ordinal)) throw new NotSupportedException($"COPY {flag} is not replayed.");
            from = earlierStages[flag["--from=".Length..]];
            words.Remove(flag);
        }
        var destination = words[^1];
        var target = Map(Path.Combine(WorkingDirectory, destination));
        var sources = words[..^1];
        var intoDirectory = destination.EndsWith('/') || destination == "." || sources.Count > 1;
        foreach (var source in sources)
        {
            if (source.Contains('*')) throw new NotSupportedException($"COPY {source}: wildcards are not replayed.");
            var path = from is null ? Path.Combine(context, source) : from.Map(source);
            if (Directory.Exists(path))
            {
                CopyTree(path, target, relative => from is null && ignore.Excludes(Path.GetRelativePath(context, relative).Replace('\\', '/')));
            }
            else if (File.Exists(path))
            {
                var file = intoDirectory ? Path.Combine(target, Path.GetFileName(path)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(path, file, overwrite: true);
            }
            else
            {
                throw new FileNotFoundException($"COPY {source}: no such file or folder in the {(from is null ? "build context" : "earlier stage")}.", path);
            }
        }
    }

    private static void CopyTree(string source, string target, Func<string, bool> excluded)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            if (excluded(file)) continue;
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }
    }

    private async Task RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (command.StartsWith('[')) throw new NotSupportedException($"RUN in exec form is not replayed: {command}");
        var mapped = AbsolutePath().Replace(command, m => Map(m.Value));
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (name, value) in NoLingeringBuildProcesses) environment.TryAdd(name, value);
        var result = await ChildProcess.RunAsync("bash", ["-c", mapped], Map(WorkingDirectory), environment, timeout, cancellationToken);
        Log.Add($"RUN {command} (as: {mapped}) exited {result.ExitCode}{System.Environment.NewLine}{result.Output}");
        if (result.ExitCode != 0) throw new InvalidOperationException($"RUN {command} failed with exit code {result.ExitCode}:{System.Environment.NewLine}{result.Output}");
    }

    private static NotSupportedException Unsupported(DockerInstruction instruction) =>
        new($"{instruction.Keyword} {instruction.Arguments} is not replayed; teach {nameof(DockerStageReplay)} about it.");

    [GeneratedRegex(@"(?<=^|\s)/[^\s]*")]
    private static partial Regex AbsolutePath();
}

namespace IrcStream.Benchmarks.Load;

/// <summary><c>load</c> mode: runs the baseline scenario, prints a table, writes JSON.</summary>
public static class LoadCommand
{
    public const string Name = "load";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(LoadOptions.Usage);
            return 0;
        }
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync(e.Message);
            return 2;
        }

        for (var warmup = 1; warmup <= options.WarmupRuns; warmup++)
        {
            await BaselineScenario.RunOnceAsync(-warmup, options.Messages, options.RunTimeout, cancellationToken);
        }
        var runs = new List<LoadRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            runs.Add(await BaselineScenario.RunOnceAsync(run, options.Messages, options.RunTimeout, cancellationToken));
        }

        var report = LoadReport.From(BaselineScenario.Name, BaselineScenario.Description, BaselineScenario.Line, options.Messages, options.WarmupRuns, runs);
        await output.WriteAsync(report.ToTable());
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(options.JsonPath, report.ToJson(), cancellationToken);
        await output.WriteLineAsync($"\nWrote {Path.GetFullPath(options.JsonPath)}");
        return 0;
    }
}

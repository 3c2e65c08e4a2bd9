namespace IrcStream.Benchmarks.Load;

/// <summary><c>load</c> mode: runs the chosen scenarios, prints a table for each, writes JSON.</summary>
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
        if (args.Count > 0 && args[0] == HarnessGateway.ChildMode)
        {
            return await LoadGateway.RunChildAsync(args.Skip(1).ToArray(), Console.In, output);
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

        HarnessGateway.Gc = options.Gc;
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath))!;
        Directory.CreateDirectory(directory);
        double? baselineRate = null;
        foreach (var scenario in options.Scenarios)
        {
            if (scenario == ForwardScenario.Name)
            {
                var table = await ForwardScenario.RunAsync(options, Path.Combine(directory, ForwardScenario.Name + ".json"), cancellationToken);
                await output.WriteAsync(table);
                continue;
            }
            if (scenario == AdminScenario.Name)
            {
                var table = await AdminScenario.RunAsync(Path.Combine(directory, AdminScenario.Name + ".json"), cancellationToken);
                await output.WriteAsync(table);
                continue;
            }
            if (scenario == DnsblScenario.Name)
            {
                var table = await DnsblScenario.RunAsync(options, Path.Combine(directory, DnsblScenario.Name + ".json"), cancellationToken);
                await output.WriteAsync(table);
                continue;
            }
            if (scenario == RedisIdleScenario.Name)
            {
                var table = await RedisIdleScenario.RunAsync(options, Path.Combine(directory, RedisIdleScenario.Name + ".json"), cancellationToken);
                await output.WriteAsync(table);
                continue;
            }
            if (scenario == BaselineScenario.Name)
            {
                var baseline = await RunBaselineAsync(options, cancellationToken);
                baselineRate = baseline.MedianMessagesPerSecond;
                await WriteAsync(output, baseline.ToTable(), baseline.ToJson(), Path.GetFullPath(options.JsonPath), cancellationToken);
                continue;
            }
            foreach (var transport in options.Transports)
            {
                var report = scenario switch
                {
                    FirehoseScenario.Name => await FirehoseScenario.RunAsync(options, transport, baselineRate, cancellationToken),
                    BusyScenario.Name => await BusyScenario.RunAsync(options, transport, cancellationToken),
                    WelcomeScenario.Name => await WelcomeScenario.RunAsync(options, transport, cancellationToken),
                    SharedChannelScenario.Name => await SharedChannelScenario.RunAsync(options, transport, cancellationToken),
                    InspircdWelcomeScenario.Name => await InspircdWelcomeScenario.RunAsync(options, transport, cancellationToken),
                    SlowReaderScenario.Name => await SlowReaderScenario.RunAsync(options, transport, cancellationToken),
                    FanInScenario.Name => await FanInScenario.RunAsync(options, transport, cancellationToken),
                    _ => await DensityScenario.RunAsync(options, transport, cancellationToken),
                };
                await WriteAsync(output, report.ToTable(), report.ToJson(), Path.Combine(directory, report.Scenario + ".json"), cancellationToken);
            }
        }
        return 0;
    }

    private static async Task<LoadReport> RunBaselineAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        for (var warmup = 1; warmup <= options.WarmupRuns; warmup++)
        {
            await BaselineScenario.RunOnceAsync(-warmup, options.Messages, options.RunTimeout, cancellationToken);
        }
        var runs = new List<LoadRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            runs.Add(await BaselineScenario.RunOnceAsync(run, options.Messages, options.RunTimeout, cancellationToken));
        }
        return LoadReport.From(BaselineScenario.Name, BaselineScenario.Description, BaselineScenario.Line, options.Messages, options.WarmupRuns, runs);
    }

    private static async Task WriteAsync(TextWriter output, string table, string json, string path, CancellationToken cancellationToken)
    {
        await output.WriteAsync(table);
        await File.WriteAllTextAsync(path, json, cancellationToken);
        await output.WriteLineAsync($"\nWrote {path}\n");
        await output.FlushAsync(cancellationToken);
    }
}

using BenchmarkDotNet.Running;
using IrcStream.Benchmarks.Load;

namespace IrcStream.Benchmarks;

public static class BenchmarkEntry
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == LoadCommand.Name)
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await LoadCommand.RunAsync(args[1..], Console.Out, stop.Token);
        }
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
        return 0;
    }
}

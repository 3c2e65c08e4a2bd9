using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The real gateway (its Program, real IRC engine) on Kestrel at 127.0.0.1 on a free port, with the harness's
/// settings layered over appsettings.json. It runs in a child process of the harness (<see cref="HarnessGateway"/>),
/// so its CPU time, memory and open files are its own and not the load clients'.
/// </summary>
public sealed class LoadGateway : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private LoadGateway(WebApplicationFactory<Program> factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static LoadGateway Start(IReadOnlyDictionary<string, string?> settings)
    {
        // The gateway's content root is this program's own directory (appsettings.json is copied there), so the
        // harness runs from any copy of its build output, not only next to the source tree.
        var contentRootKey = "ASPNETCORE_TEST_CONTENTROOT_" + typeof(Program).Assembly.GetName().Name!.Replace('.', '_');
        Environment.SetEnvironmentVariable(contentRootKey, AppContext.BaseDirectory);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // As deployed: appsettings.json without the Development overrides.
            web.UseEnvironment(Environments.Production);
            web.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
            // Also as host settings: Program reads IrcStream:Redis:Configuration while it registers services.
            foreach (var (key, value) in settings) web.UseSetting(key, value);
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoadGateway(factory, new Uri(address));
    }

    /// <summary>This process's CPU, memory and open files; the heap after a full, compacting collection.</summary>
    public static GatewayStats Measure(bool collect)
    {
        if (collect)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        using var process = Process.GetCurrentProcess();
        return new GatewayStats(
            process.TotalProcessorTime.TotalSeconds,
            GC.GetTotalMemory(forceFullCollection: false),
            process.WorkingSet64,
            GC.GetTotalAllocatedBytes(precise: false),
            OpenFiles(),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalPauseDuration().TotalMilliseconds);
    }

    private static int OpenFiles()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (DirectoryNotFoundException)
        {
            return -1;
        }
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>
    /// The child-process mode (<c>load gateway-child Key=Value ...</c>): prints <c>listening URL</c>, then answers
    /// <c>stats</c> and <c>stats-gc</c> on stdin with one line of <see cref="GatewayStats"/>, and stops on
    /// <c>exit</c> or when stdin closes (the harness died).
    /// </summary>
    public static async Task<int> RunChildAsync(IReadOnlyList<string> args, TextReader input, TextWriter output)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ArgumentException($"gateway-child takes Key=Value settings, not '{arg}'.");
            settings[arg[..equals]] = arg[(equals + 1)..];
        }
        await using var gateway = Start(settings);
        await output.WriteLineAsync($"listening {gateway.BaseAddress}");
        await output.FlushAsync();
        while (await input.ReadLineAsync() is { } command)
        {
            switch (command)
            {
                case "stats":
                case "stats-gc":
                    await output.WriteLineAsync(Measure(command == "stats-gc").ToLine());
                    await output.FlushAsync();
                    break;
                case "exit":
                    return 0;
            }
        }
        return 0;
    }
}

/// <summary>One sample of the gateway process: cumulative CPU seconds, allocations, collections and GC pause time; current heap, RSS and open files.</summary>
public sealed record GatewayStats(double CpuSeconds, long HeapBytes, long WorkingSetBytes, long AllocatedBytes, int OpenFiles, int Gen0, int Gen1, int Gen2, double GcPauseMilliseconds)
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public string ToLine() => string.Join(' ', "stats",
        CpuSeconds.ToString("R", C), HeapBytes.ToString(C), WorkingSetBytes.ToString(C), AllocatedBytes.ToString(C),
        OpenFiles.ToString(C), Gen0.ToString(C), Gen1.ToString(C), Gen2.ToString(C), GcPauseMilliseconds.ToString("R", C));

    public static GatewayStats Parse(string line)
    {
        var f = line.Split(' ');
        if (f.Length != 10 || f[0] != "stats") throw new FormatException($"Not a stats line: '{line}'.");
        return new GatewayStats(
            double.Parse(f[1], C), long.Parse(f[2], C), long.Parse(f[3], C), long.Parse(f[4], C),
            int.Parse(f[5], C), int.Parse(f[6], C), int.Parse(f[7], C), int.Parse(f[8], C), double.Parse(f[9], C));
    }
}

using System.Diagnostics;
using System.Threading.Channels;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// The harness's gateway: a <see cref="GatewayProcess"/> running this same program in <c>gateway-child</c> mode
/// (<see cref="LoadGateway"/>), with its address, and samples of its CPU, memory and open files on demand, asked for on
/// its standard input and answered on its output. Disposing stops it.
/// </summary>
public sealed class HarnessGateway : IAsyncDisposable
{
    public const string ChildMode = "gateway-child";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly GatewayProcess _process;
    private readonly SemaphoreSlim _asking = new(1, 1);
    private readonly Channel<GatewayStats> _answers = Channel.CreateUnbounded<GatewayStats>();

    private HarnessGateway(GatewayProcess process)
    {
        _process = process;
        _process.LineReceived += OnLine;
    }

    /// <summary>A stats line is an answer; anything else the child says goes to this program's standard error.</summary>
    private void OnLine(string line)
    {
        if (line.StartsWith("stats ", StringComparison.Ordinal)) _answers.Writer.TryWrite(GatewayStats.Parse(line));
        else Console.Error.WriteLine($"[gateway] {line}");
    }

    public Uri BaseAddress => _process.BaseAddress;

    /// <summary>The GC settings every gateway child of this harness run gets (<c>--gc</c>); one per run, set before any starts.</summary>
    public static string Gc { get; set; } = DeployedGc;

    /// <summary>What the Api ships with (IrcStream.Api.csproj): the server GC with DATAS, as .NET 10 has it by default.</summary>
    public const string DeployedGc = "server";

    /// <summary>The GC settings <c>--gc</c> can compare, as the runtime's environment variables.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GcModes = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["server"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" },
        ["server-nodatas"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" },
        ["server-conserve"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCConserveMemory"] = "5" },
        ["workstation"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1" },
        ["workstation-nonconcurrent"] = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "0" },
    };

    private static IEnumerable<KeyValuePair<string, string>> GcEnvironment(string mode) =>
        GcModes[mode].Append(new("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1"));

    public int ProcessId => _process.ProcessId;

    /// <summary>Settings every harness gateway gets: the pump's address allowed, creation limits out of the way, quiet logs.</summary>
    public static Dictionary<string, string?> HarnessSettings(int eventBufferSize)
    {
        var settings = BaseSettings(eventBufferSize);
        // A log sized to hold a whole firehose run needs the bytes for it too (~0.4 KB an event); the default
        // size keeps the shipped EventBufferBytes.
        if (eventBufferSize > 1000)
            settings["IrcStream:EventBufferBytes"] = Math.Min(1L << 30, eventBufferSize * 1024L).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private static Dictionary<string, string?> BaseSettings(int eventBufferSize) => new()
    {
        ["IrcStream:AllowedServers:0"] = "127.0.0.1:*",
        ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000000",
        ["IrcStream:MaxSessions"] = "1000000",
        ["IrcStream:MaxSessionsPerAddress"] = "1000000",
        ["IrcStream:MaxStreamsPerAddress"] = "1000000",
        ["IrcStream:EventBufferSize"] = eventBufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["IrcStream:Flood:Burst"] = "100",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:IrcStream"] = "Error",
    };

    public static async Task<HarnessGateway> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        // This program's own launcher next to its assembly, wherever the harness runs from (its build output, or
        // a test's output directory that references it); "dotnet <assembly>" where there is no launcher.
        var assembly = typeof(HarnessGateway).Assembly.Location;
        var launcher = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        var start = new ProcessStartInfo(File.Exists(launcher) ? launcher : "dotnet");
        if (!File.Exists(launcher)) start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(LoadCommand.Name);
        start.ArgumentList.Add(ChildMode);
        foreach (var (key, value) in settings) start.ArgumentList.Add($"{key}={value}");
        // As deployed (the Api's runtimeconfig.json), unless --gc says otherwise: this program's own runtimeconfig
        // differs, so the child is told explicitly.
        foreach (var (name, value) in GcEnvironment(Gc)) start.Environment[name] = value;
        var process = await GatewayProcess.StartAsync(
            new GatewayLaunch(start, line => line.StartsWith("listening ", StringComparison.Ordinal) ? new Uri(line["listening ".Length..]) : null),
            cancellationToken);
        return new HarnessGateway(process);
    }

    /// <summary>A sample of the gateway process; with <paramref name="collect"/>, after a full garbage collection.</summary>
    public async Task<GatewayStats> MeasureAsync(bool collect, CancellationToken cancellationToken)
    {
        await _asking.WaitAsync(cancellationToken);
        try
        {
            await _process.WriteLineAsync(collect ? "stats-gc" : "stats", cancellationToken);
            return await _answers.Reader.ReadAsync(cancellationToken);
        }
        finally
        {
            _asking.Release();
        }
    }

    /// <summary>
    /// Writes a heap snapshot of the gateway to <paramref name="directory"/>/<paramref name="name"/>.gcdump (none without a directory) with <c>dotnet-gcdump</c> (a dotnet tool:
    /// <c>dotnet tool install -g dotnet-gcdump</c>), for a look at what the heap holds, type by type.
    /// </summary>
    public async Task DumpHeapAsync(string? directory, string name, CancellationToken cancellationToken)
    {
        if (directory is null) return;
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, name + ".gcdump"));
        var tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");
        var start = new ProcessStartInfo(File.Exists(tools) ? tools : "dotnet-gcdump") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "collect", "-p", _process.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path }) start.ArgumentList.Add(arg);
        using var dump = Process.Start(start) ?? throw new InvalidOperationException("dotnet-gcdump did not start.");
        var said = await dump.StandardOutput.ReadToEndAsync(cancellationToken);
        await dump.WaitForExitAsync(cancellationToken);
        if (dump.ExitCode != 0) throw new InvalidOperationException($"dotnet-gcdump failed ({dump.ExitCode}): {said}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.WriteLineAsync("exit", CancellationToken.None);
            await _process.WaitForExitAsync(StopTimeout, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            // Killed by the dispose below.
        }
        _process.LineReceived -= OnLine;
        await _process.DisposeAsync();
        _asking.Dispose();
    }
}

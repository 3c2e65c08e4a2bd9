using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace IrcStream.Tests.Support;

/// <summary>
/// A Redis primary with two replicas and three Sentinels watching them (<c>redis-server FILE --sentinel</c>), each on a
/// free loopback port with a fresh config file in its own temp dir (Sentinel rewrites its file, so none is reused).
/// A primary not answering for <see cref="DownAfter"/> is failed over to a replica. Clients connect through the
/// Sentinels: <see cref="Configuration"/> names the three and the service.
/// </summary>
public sealed class RedisSentinels : IAsyncDisposable
{
    public const string ServiceName = "ircstream";
    public static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(2000);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<IrcServerHost> _data = [];
    private readonly List<IrcServerHost> _sentinels = [];

    private RedisSentinels()
    {
    }

    /// <summary>A StackExchange.Redis configuration string that finds the primary through the Sentinels.</summary>
    public string Configuration =>
        string.Join(',', _sentinels.Select(s => $"127.0.0.1:{s.Port}")) + $",serviceName={ServiceName}";

    public static async Task<RedisSentinels> StartAsync(CancellationToken cancellationToken)
    {
        var set = new RedisSentinels();
        try
        {
            var primary = await IrcServerHost.StartAsync("redis-primary", (dir, port) => Data(dir, port, null), cancellationToken);
            set._data.Add(primary);
            for (var i = 0; i < 2; i++)
                set._data.Add(await IrcServerHost.StartAsync("redis-replica", (dir, port) => Data(dir, port, primary.Port), cancellationToken));
            await set.WaitUntilAsync(async () => (await CommandAsync(primary.Port, ["INFO", "replication"], cancellationToken)).Split('\n')
                .Count(l => l.StartsWith("slave", StringComparison.Ordinal) && l.Contains("state=online", StringComparison.Ordinal)) == 2, "both replicas in sync", cancellationToken);
            for (var i = 0; i < 3; i++)
                set._sentinels.Add(await IrcServerHost.StartAsync("redis-sentinel", (dir, port) => Sentinel(dir, port, primary.Port), cancellationToken));
            // The Sentinels find each other and the replicas through the primary within a few hello periods (2 s).
            await set.WaitUntilAsync(async () => (await CommandAsync(set._sentinels[0].Port, ["SENTINEL", "CKQUORUM", ServiceName], cancellationToken)).StartsWith("OK 3 usable", StringComparison.Ordinal)
                && (await CommandAsync(set._sentinels[0].Port, ["SENTINEL", "REPLICAS", ServiceName], cancellationToken)).Split('\n').Count(l => l == "s_down" || l == "slave") >= 2,
                "SENTINEL CKQUORUM: 3 usable Sentinels that know both replicas", cancellationToken);
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the primary the Sentinels name now.</summary>
    public async Task<int> PrimaryPortAsync(CancellationToken cancellationToken)
    {
        foreach (var sentinel in _sentinels.Where(s => s.ProcessId is not null))
        {
            var reply = (await CommandAsync(sentinel.Port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName], cancellationToken)).Split('\n');
            if (reply.Length == 2) return int.Parse(reply[1], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("No Sentinel names a primary.");
    }

    /// <summary>Kills the primary by pid (it stays down); the Sentinels promote a replica after <see cref="DownAfter"/>.</summary>
    public async Task<int> KillPrimaryAsync(CancellationToken cancellationToken)
    {
        var port = await PrimaryPortAsync(cancellationToken);
        await _data.Single(d => d.Port == port).StopAsync();
        return port;
    }

    /// <summary>Waits until the Sentinels name a primary other than <paramref name="oldPort"/>, and that primary takes writes.</summary>
    public Task WaitForNewPrimaryAsync(int oldPort, CancellationToken cancellationToken) =>
        WaitUntilAsync(async () =>
        {
            var port = await PrimaryPortAsync(cancellationToken);
            return port != oldPort && (await CommandAsync(port, ["ROLE"], cancellationToken)).StartsWith("master", StringComparison.Ordinal);
        }, "a replica promoted to primary", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _sentinels.Concat(_data)) await host.DisposeAsync();
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException or FormatException)
            {
                // Not up yet, or between roles.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not {what} within {Patience.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, _sentinels.Concat(_data).Select(h => h.RecentOutput))}");
            await Task.Delay(200, cancellationToken);
        }
    }

    private static ServerLaunch Data(string directory, int port, int? primaryPort)
    {
        var launch = ServerLaunches.Redis(directory, port);
        return primaryPort is { } primary
            ? launch with { Arguments = [.. launch.Arguments, "--replicaof", "127.0.0.1", primary.ToString(CultureInfo.InvariantCulture)] }
            : launch;
    }

    private static ServerLaunch Sentinel(string directory, int port, int primaryPort)
    {
        var file = Path.Combine(directory, "sentinel.conf");
        File.WriteAllText(file, string.Join('\n',
            $"port {port}",
            "bind 127.0.0.1",
            "daemonize no",
            "logfile \"\"",
            $"dir {directory}",
            $"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} 2",
            $"sentinel down-after-milliseconds {ServiceName} {(int)DownAfter.TotalMilliseconds}",
            $"sentinel failover-timeout {ServiceName} 10000",
            $"sentinel parallel-syncs {ServiceName} 1",
            ""));
        return new ServerLaunch("redis-sentinel", RedisServer.BinaryPath, [file, "--sentinel"], line =>
            line.Contains("Address already in use", StringComparison.Ordinal) ? StartupSignal.PortInUse
            : line.Contains("Sentinel ID is", StringComparison.Ordinal) ? StartupSignal.Ready
            : StartupSignal.None);
    }

    /// <summary>One command over RESP; the reply flattened to lines (an error throws).</summary>
    internal static async Task<string> CommandAsync(int port, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{arguments.Count}\r\n");
        foreach (var argument in arguments) request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        await ReadValueAsync(reader, lines, timeout.Token);
        return string.Join('\n', lines);
    }

    private static async Task ReadValueAsync(StreamReader reader, List<string> into, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        switch (line[0])
        {
            case '+' or ':':
                into.Add(line[1..]);
                break;
            case '-':
                throw new InvalidOperationException(line[1..]);
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0) return;
                var buffer = new char[length + 2];
                var read = 0;
                while (read < buffer.Length) read += await reader.ReadAsync(buffer.AsMemory(read), cancellationToken);
                into.AddRange(new string(buffer, 0, length).Replace("\r", "", StringComparison.Ordinal).Split('\n'));
                break;
            case '*':
                var count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++) await ReadValueAsync(reader, into, cancellationToken);
                break;
            default:
                throw new FormatException($"Not a RESP reply: {line}");
        }
    }
}

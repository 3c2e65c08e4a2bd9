namespace IrcStream.Benchmarks.Load;

/// <summary>A session of a gateway scenario: its HTTP side, its IRC side at the pump, and the task reading its events.</summary>
public sealed class OpenSession
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _registeredSeq;

    public required LoadSession Session { get; init; }
    public required PumpClient Pump { get; init; }
    public Task<bool> Reading { get; internal set; } = Task.FromResult(false);

    /// <summary>Completes when the reader has received the REGISTERED status: after it, the log holds only what the pump sends.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The seq of the REGISTERED status.</summary>
    public long RegisteredSeq => Volatile.Read(ref _registeredSeq);

    internal bool OnEvent(ReceivedEvent received, Func<ReceivedEvent, bool> live)
    {
        if (!_ready.Task.IsCompleted)
        {
            if (received.Kind != EventKind.Registered) return true;
            Volatile.Write(ref _registeredSeq, received.Seq);
            _ready.TrySetResult();
            return true;
        }
        return live(received);
    }

    internal void Failed(Exception e) => _ready.TrySetException(e);
}

/// <summary>
/// What every gateway scenario stands on: the gateway in its own process, the IRC pump it connects to, and the
/// HTTP client its sessions read with. Disposing stops the readers, then the gateway, then the pump.
/// </summary>
public sealed class GatewayRig : IAsyncDisposable
{
    private const int OpenConcurrency = 32;

    private readonly CancellationTokenSource _readers = new();
    private readonly List<OpenSession> _sessions = [];
    private int _nicks;

    private GatewayRig(IrcPumpServer pump, GatewayProcess gateway)
    {
        Pump = pump;
        Gateway = gateway;
        Client = new GatewayClient(gateway.BaseAddress);
    }

    public IrcPumpServer Pump { get; }
    public GatewayProcess Gateway { get; }
    public GatewayClient Client { get; }

    public static async Task<GatewayRig> StartAsync(int eventBufferSize, CancellationToken cancellationToken)
    {
        var pump = IrcPumpServer.Start();
        try
        {
            return new GatewayRig(pump, await GatewayProcess.StartAsync(GatewayProcess.HarnessSettings(eventBufferSize), cancellationToken));
        }
        catch
        {
            await pump.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new session with one IRC connection to the pump and a reader on its events, ready (registered) when this returns.</summary>
    public async Task<OpenSession> OpenAsync(Transport transport, Func<ReceivedEvent, bool> live, CancellationToken cancellationToken)
    {
        var nick = $"load{Interlocked.Increment(ref _nicks)}";
        var session = await Client.ConnectAsync(Pump.Server, nick, cancellationToken);
        var open = new OpenSession { Session = session, Pump = await Pump.WaitForClientAsync(nick, cancellationToken) };
        open.Reading = ReadAsync(open, transport, live);
        lock (_sessions) _sessions.Add(open);
        await open.Ready.WaitAsync(cancellationToken);
        return open;
    }

    private async Task<bool> ReadAsync(OpenSession open, Transport transport, Func<ReceivedEvent, bool> live)
    {
        try
        {
            return await Client.ReadAsync(transport, open.Session, e => open.OnEvent(e, live), _readers.Token);
        }
        catch (Exception e) when (_readers.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            return false;
        }
        catch (Exception e)
        {
            open.Failed(e);
            throw;
        }
    }

    /// <summary>Opens <paramref name="count"/> sessions, a few at a time as browsers arriving together would.</summary>
    public async Task<OpenSession[]> OpenManyAsync(int count, Transport transport, Func<ReceivedEvent, bool> live, CancellationToken cancellationToken)
    {
        var sessions = new OpenSession[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => sessions[i] = await OpenAsync(transport, live, ct));
        return sessions;
    }

    /// <summary>Closes the session's IRC connection (DELETE), which ends its reader.</summary>
    public async Task CloseAsync(OpenSession open, CancellationToken cancellationToken)
    {
        await Client.DeleteAsync(open.Session, cancellationToken);
        try
        {
            await open.Reading.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (TimeoutException)
        {
            // A poll reader notices the close on its next poll at the latest; the rig's end stops it anyway.
        }
        lock (_sessions) _sessions.Remove(open);
    }

    public async ValueTask DisposeAsync()
    {
        await _readers.CancelAsync();
        Task[] reading;
        lock (_sessions) reading = _sessions.Select(s => (Task)s.Reading).ToArray();
        try
        {
            await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or HttpRequestException or InvalidOperationException)
        {
            // The readers were being stopped; what they measured is already taken.
        }
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Pump.DisposeAsync();
        _readers.Dispose();
    }
}

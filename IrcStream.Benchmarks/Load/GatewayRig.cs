namespace IrcStream.Benchmarks.Load;

/// <summary>A session of a gateway scenario: its HTTP side, its IRC side at the pump, and the task reading its events.</summary>
public sealed class OpenSession
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopReading = new();
    private long _registeredSeq;

    public required LoadSession Session { get; init; }
    private readonly PumpClient? _pump;

    /// <summary>The pump's end of the session's IRC connection; a session opened on another server has none.</summary>
    public PumpClient Pump
    {
        get => _pump ?? throw new InvalidOperationException($"{Session.Nick}'s IRC connection is not to the pump.");
        init => _pump = value;
    }
    public Task<bool> Reading { get; internal set; } = Task.FromResult(false);

    /// <summary>Completes when the reader has received the REGISTERED status: after it, the log holds only what the pump sends.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The seq of the REGISTERED status.</summary>
    public long RegisteredSeq => Volatile.Read(ref _registeredSeq);

    /// <summary>Set once <see cref="StopReadingAsync"/> was called: the reader ended because it was told to.</summary>
    internal CancellationToken ReadingStopped => _stopReading.Token;

    /// <summary>
    /// Ends this session's reader only, as a browser tab that closes: the session and its IRC connection stay open
    /// on the gateway. Returns when the reader has stopped.
    /// </summary>
    public async Task StopReadingAsync()
    {
        await _stopReading.CancelAsync();
        await Reading.ContinueWith(static _ => { }, TaskScheduler.Default);
    }

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
/// With <c>--redis</c>: a redis-server and two gateway nodes sharing it; sessions are created on the first node,
/// which owns their IRC connections, and read on the second, which serves them from Redis.
/// </summary>
public sealed class GatewayRig : IAsyncDisposable
{
    private const int OpenConcurrency = 32;

    private readonly CancellationTokenSource _readers = new();
    private readonly List<OpenSession> _sessions = [];
    private int _nicks;

    private readonly RedisProcess? _redis;
    private readonly HarnessGateway? _readerNode;

    private GatewayRig(IrcPumpServer pump, HarnessGateway gateway, RedisProcess? redis = null, HarnessGateway? otherNode = null, bool readOnOwner = false)
    {
        Pump = pump;
        Gateway = gateway;
        Client = new GatewayClient(gateway.BaseAddress);
        _redis = redis;
        _readerNode = otherNode;
        Readers = otherNode is null || readOnOwner ? Client : new GatewayClient(otherNode.BaseAddress);
    }

    public IrcPumpServer Pump { get; }

    /// <summary>The gateway that owns the sessions' IRC connections (the one measured).</summary>
    public HarnessGateway Gateway { get; }

    /// <summary>Creates and closes sessions, on <see cref="Gateway"/>.</summary>
    public GatewayClient Client { get; }

    /// <summary>Reads the sessions' events: <see cref="Client"/>, or with <c>--redis</c> the other node's client (unless <c>--read-on-owner</c>).</summary>
    public GatewayClient Readers { get; }

    public static async Task<GatewayRig> StartAsync(int eventBufferSize, CancellationToken cancellationToken, bool redis = false, bool readOnOwner = false)
    {
        var pump = IrcPumpServer.Start();
        RedisProcess? server = null;
        HarnessGateway? owner = null;
        try
        {
            if (!redis) return new GatewayRig(pump, await HarnessGateway.StartAsync(HarnessGateway.HarnessSettings(eventBufferSize), cancellationToken));
            server = await RedisProcess.StartAsync(cancellationToken);
            var settings = HarnessGateway.HarnessSettings(eventBufferSize);
            settings["IrcStream:Redis:Configuration"] = server.Configuration;
            owner = await HarnessGateway.StartAsync(settings, cancellationToken);
            var reader = await HarnessGateway.StartAsync(settings, cancellationToken);
            return new GatewayRig(pump, owner, server, reader, readOnOwner);
        }
        catch
        {
            if (owner is not null) await owner.DisposeAsync();
            if (server is not null) await server.DisposeAsync();
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
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(_readers.Token, open.ReadingStopped);
        try
        {
            return await Readers.ReadAsync(transport, open.Session, e => open.OnEvent(e, live), reading.Token);
        }
        catch (Exception e) when (reading.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            return false;
        }
        catch (Exception e)
        {
            open.Failed(e);
            throw;
        }
    }

    /// <summary>
    /// A new session whose IRC connection goes to another server (<paramref name="server"/>, e.g. a real InspIRCd)
    /// and joins <paramref name="channel"/>, with a reader on its events; ready (registered) when this returns.
    /// </summary>
    public async Task<OpenSession> OpenElsewhereAsync(string server, string channel, Transport transport, CancellationToken cancellationToken)
    {
        var nick = $"load{Interlocked.Increment(ref _nicks)}";
        var session = await Client.ConnectAsync(server, nick, cancellationToken, [channel]);
        var open = new OpenSession { Session = session };
        open.Reading = ReadAsync(open, transport, static _ => true);
        lock (_sessions) _sessions.Add(open);
        await open.Ready.WaitAsync(cancellationToken);
        return open;
    }

    /// <summary>Opens <paramref name="count"/> sessions, a few at a time as browsers arriving together would.</summary>
    public async Task<OpenSession[]> OpenManyAsync(int count, Transport transport, Func<ReceivedEvent, bool> live, CancellationToken cancellationToken)
    {
        var sessions = new OpenSession[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = OpenConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => sessions[i] = await OpenAsync(transport, live, ct));
        return sessions;
    }

    /// <summary>
    /// The start of a memory scenario: samples the gateway as started (after a full GC, as every sample here), opens
    /// one session to warm it up, samples it again (the baseline the scenario's figures count from), opens
    /// <paramref name="count"/> sessions whose readers count the messages they receive, and samples it again once
    /// they have been idle for <paramref name="settle"/>.
    /// </summary>
    public async Task<IdleSessions> OpenIdleSessionsAsync(int count, Transport transport, TimeSpan settle, CancellationToken cancellationToken)
    {
        var start = await Gateway.MeasureAsync(collect: true, cancellationToken);
        await OpenAsync(transport, static _ => true, cancellationToken);
        var before = await Gateway.MeasureAsync(collect: true, cancellationToken);
        var load = ScenarioReport.ReadLoadAverage();
        var delivered = new MessageCount();
        var opened = await OpenManyAsync(count, transport, delivered.Count, cancellationToken);
        await Task.Delay(settle, cancellationToken);
        var idle = await Gateway.MeasureAsync(collect: true, cancellationToken);
        return new IdleSessions(opened, delivered, start, before, idle, load);
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
        if (!ReferenceEquals(Readers, Client)) Readers.Dispose();
        await Gateway.DisposeAsync();
        if (_readerNode is not null) await _readerNode.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        await Pump.DisposeAsync();
        _readers.Dispose();
    }
}

/// <summary>The messages the readers of <see cref="GatewayRig.OpenIdleSessionsAsync"/> received.</summary>
public sealed class MessageCount
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    internal bool Count(ReceivedEvent received)
    {
        if (received.Kind == EventKind.Message) Interlocked.Increment(ref _value);
        return true;
    }
}

/// <summary>
/// Sessions opened by <see cref="GatewayRig.OpenIdleSessionsAsync"/>, the messages their readers received, and the
/// gateway's samples: as started, with one warm-up session (the baseline), and with the sessions idle; the machine's
/// load average when they were opened.
/// </summary>
public sealed record IdleSessions(OpenSession[] Opened, MessageCount Delivered, GatewayStats Start, GatewayStats Before, GatewayStats Idle, double LoadAverage);

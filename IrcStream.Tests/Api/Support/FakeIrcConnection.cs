using System.Collections.Concurrent;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Api.Support;

/// <summary>
/// A scripted IRC connection over a real <see cref="EventLog"/>: tests append the events a server would cause and
/// read the lines the gateway queued. It validates lines like the engine (all or none) and honours a queue capacity.
/// </summary>
public sealed class FakeIrcConnection(IrcConnectionOptions options, IEventLog events) : IIrcConnection
{
    private readonly ConcurrentQueue<string> _sent = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sendGate = new();
    private readonly List<NumberedLine> _numbered = [];

    public IrcConnectionOptions Options { get; private set; } = options;

    public void UseSasl(SaslCredentials? credentials) => Options = Options with { Sasl = credentials };
    public IEventLog Events { get; } = events;
    public ConnectionState State { get; set; } = ConnectionState.Connecting;
    public string? CurrentNick { get; set; } = options.Nick;
    public IReadOnlyCollection<string> Channels { get; set; } = options.Channels;

    public IrcStream.Domain.Client.IrcClientState ClientState => new() { Connection = State, Nick = CurrentNick, Joined = [.. Channels] };

    /// <summary>What the gateway gave <see cref="CarryOn"/> (a connection taken over from another node); null otherwise.</summary>
    public IReadOnlyList<StoredEvent>? CarriedOn { get; private set; }

    public void CarryOn(IEnumerable<StoredEvent> recorded) => CarriedOn = [.. recorded];

    /// <summary>True once the gateway let the connection go without QUIT (another node holds it).</summary>
    public bool WasLetGo { get; private set; }

    /// <summary>How many lines fit in the outgoing queue; beyond it Send answers QueueFull.</summary>
    public int QueueCapacity { get; set; } = 100;

    public bool Started { get; private set; }
    public bool Disposed { get; private set; }

    /// <summary>Every line queued so far, in order.</summary>
    public IReadOnlyList<string> SentLines => _sent.ToArray();

    /// <summary>Completes with the QUIT reason when the gateway closes the connection.</summary>
    public Task<string> Closed => _closed.Task;

    public void Start()
    {
        Started = true;
        Events.Append(new StatusEvent(IrcStatus.Connecting, $"{Options.Host}:{Options.Port}", DateTimeOffset.UtcNow));
        State = ConnectionState.Connected;
        Events.Append(new StatusEvent(IrcStatus.Connected, null, DateTimeOffset.UtcNow));
    }

    public SendResult Send(IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (OutgoingLineRules.Validate(lines[i]) is { } reason) return new SendResult(SendOutcome.Invalid, 0, reason, i);
        }
        if (State is not (ConnectionState.Connected or ConnectionState.Registering)) return new SendResult(SendOutcome.NotOpen);
        lock (_sendGate)
        {
            if (_sent.Count + lines.Count > QueueCapacity) return new SendResult(SendOutcome.QueueFull);
            foreach (var line in lines)
            {
                _sent.Enqueue(line);
                _numbered.Add(new NumberedLine(_numbered.Count + 1, line));
            }
            // Numbered as the engine numbers them, so the gateway keeps them in the shared store until written.
            return SendResult.Ok(lines.Count) with { LastNumber = _numbered.Count };
        }
    }

    /// <summary>The number of the last user line the test says the server has been sent; the lines after it are unwritten.</summary>
    public long WrittenUpTo { get; set; }

    public UnwrittenLines Unwritten()
    {
        lock (_sendGate) return new UnwrittenLines(WrittenUpTo, [.. _numbered.Where(l => l.Number > WrittenUpTo)]);
    }

    public ValueTask CloseAsync(string reason)
    {
        if (State != ConnectionState.Closed)
        {
            State = ConnectionState.Closed;
            _sent.Enqueue($"QUIT :{reason}");
            Events.Append(new StatusEvent(IrcStatus.Closed, reason, DateTimeOffset.UtcNow));
            Events.Complete();
        }
        _closed.TrySetResult(reason);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> LetGoAsync()
    {
        WasLetGo = true;
        return ValueTask.FromResult<IReadOnlyList<string>>([]);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Appends a received IRC line as a message event (as the engine does when the server sends one).</summary>
    public StoredEvent Receive(string line, DateTimeOffset? time = null) =>
        Events.Append(new MessageEvent(IrcMessage.Parse(line), time ?? DateTimeOffset.UtcNow));
}

/// <summary>Makes <see cref="FakeIrcConnection"/>s over the logs the gateway gives them (in Redis mode, copied into Redis) and lets a test find them.</summary>
public sealed class FakeIrcConnectionFactory : IIrcConnectionFactory
{
    private readonly ConcurrentDictionary<string, FakeIrcConnection> _created = new();

    public IReadOnlyCollection<FakeIrcConnection> Created => _created.Values.ToArray();

    public IIrcConnection Create(IrcConnectionOptions options, IEventLog events, IConnectionOwnership? ownership)
    {
        var connection = new FakeIrcConnection(options, events);
        _created[options.ConnectionId] = connection;
        return connection;
    }

    public FakeIrcConnection this[string connectionId] =>
        _created.TryGetValue(connectionId, out var connection)
            ? connection
            : throw new InvalidOperationException($"No fake connection '{connectionId}' was created.");
}

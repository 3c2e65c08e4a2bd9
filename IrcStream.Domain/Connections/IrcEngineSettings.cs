using IrcStream.Domain.Events;

namespace IrcStream.Domain.Connections;

/// <summary>Gateway-wide settings of every IRC connection; defaults are those of the contract.</summary>
public sealed record IrcEngineSettings
{
    public int EventBufferSize { get; init; } = 1000;

    /// <summary>Bytes of events retained per connection beside <see cref="EventBufferSize"/>: the newest events within both are kept.</summary>
    public long EventBufferBytes { get; init; } = EventLogLimits.DefaultMaxBytes;

    /// <summary>Bytes one connection may hold beyond retention for a live reader that is behind.</summary>
    public long LiveReaderHoldBytes { get; init; } = EventLogLimits.DefaultMaxHeldBytes;

    /// <summary>The gateway-wide cap on bytes held beyond retention; one instance shared by every connection.</summary>
    public EventHoldBudget LiveReaderHold { get; init; } = new(EventHoldBudget.DefaultCapacityBytes);

    /// <summary>What each connection's <see cref="EventLog"/> keeps.</summary>
    public EventLogLimits EventLogLimits => new()
    {
        MaxEvents = EventBufferSize,
        MaxBytes = EventBufferBytes,
        MaxHeldBytes = LiveReaderHoldBytes,
        HoldBudget = LiveReaderHold,
    };
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First wait before reconnecting; it grows with jitter on repeated failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromMinutes(10);

    public int FloodBurst { get; init; } = 5;
    public TimeSpan FloodInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>User lines waiting behind flood control; a full queue refuses (HTTP 429).</summary>
    public int SendQueueCapacity { get; init; } = 200;

    /// <summary>Silence from the server after which the gateway sends its own PING.</summary>
    public TimeSpan PingIdle { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long the server has to answer that PING before the connection counts as dead.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a closing connection waits for the server to close after QUIT.</summary>
    public TimeSpan QuitWait { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

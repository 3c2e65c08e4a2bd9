using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;

namespace IrcStream.Domain.Connections;

/// <summary>
/// Gateway-wide settings of every IRC connection. Their defaults (those of the contract) and the ranges a
/// connection can work with are written here once: the gateway's configuration takes both from here.
/// </summary>
public sealed record IrcEngineSettings
{
    /// <summary>The defaults, for whoever needs one of them without settings of its own.</summary>
    public static IrcEngineSettings Defaults { get; } = new();

    public int EventBufferSize { get; init; } = EventLogLimits.DefaultMaxEvents;

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

    /// <summary>First wait before reconnecting; it grows with jitter on repeated failure up to <see cref="MaxReconnectDelay"/> (or this delay, when it is longer).</summary>
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

    /// <summary>Where the connections count what they receive, write and retry; the host's meter in the gateway.</summary>
    public GatewayMetrics Metrics { get; init; } = GatewayMetrics.Unhosted;

    /// <summary>
    /// Every setting outside the range a connection can work with, named as the property is. The gateway checks
    /// its configuration with this at start-up; <see cref="IrcConnection"/> refuses settings with a problem.
    /// </summary>
    public IReadOnlyList<SettingProblem> Problems()
    {
        var problems = new List<SettingProblem>();
        void Add(string setting, string? problem)
        {
            if (problem is not null) problems.Add(new SettingProblem(setting, problem));
        }

        Add(nameof(EventBufferSize), SettingRange.Whole(EventBufferSize, 1, 1_000_000));
        Add(nameof(EventBufferBytes), SettingRange.Bytes(EventBufferBytes, 4 * 1024, 1L << 30));
        Add(nameof(LiveReaderHoldBytes), SettingRange.Bytes(LiveReaderHoldBytes, 0, 4L << 30));
        Add(nameof(ConnectTimeout), SettingRange.Duration(ConnectTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)));
        Add(nameof(ReconnectDelay), SettingRange.Duration(ReconnectDelay, TimeSpan.Zero, TimeSpan.FromDays(1)));
        Add(nameof(FloodBurst), SettingRange.Whole(FloodBurst, 1, 1000));
        Add(nameof(FloodInterval), SettingRange.Duration(FloodInterval, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        Add(nameof(SendQueueCapacity), SettingRange.Whole(SendQueueCapacity, 1, 100_000));
        Add(nameof(PingIdle), SettingRange.Duration(PingIdle, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)));
        Add(nameof(PingTimeout), SettingRange.Duration(PingTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)));
        Add(nameof(QuitWait), SettingRange.Duration(QuitWait, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        return problems;
    }
}

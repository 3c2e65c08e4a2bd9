namespace IrcStream.Domain.Connections;

/// <summary>Gateway-wide settings of every IRC connection; defaults are those of the contract.</summary>
public sealed record IrcEngineSettings
{
    public int EventBufferSize { get; init; } = 1000;
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

using IrcStream.Domain.Connections;

namespace IrcStream.Tests.Support;

/// <summary>Connections with short timings for tests; every caller disposes what it creates.</summary>
public static class TestConnections
{
    /// <summary>Generous: it costs nothing when things work, and a loaded 2-core machine is slow.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static IrcEngineSettings Settings { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
        FloodBurst = 1000,
        FloodInterval = TimeSpan.FromMilliseconds(1),
        // Long enough that no test sees a gateway PING unless it lowers them.
        PingIdle = TimeSpan.FromMinutes(5),
        PingTimeout = TimeSpan.FromMinutes(1),
        QuitWait = TimeSpan.FromMilliseconds(300),
    };

    public static IrcConnection Create(string host, int port, string? nick, IrcEngineSettings? settings = null,
        Func<IrcConnectionOptions, IrcConnectionOptions>? configure = null)
    {
        var options = new IrcConnectionOptions { ConnectionId = "test-" + Guid.NewGuid().ToString("N")[..6], Host = host, Port = port, Nick = nick };
        return new IrcConnection(configure is null ? options : configure(options), settings ?? Settings);
    }

    public static IrcConnection Start(FakeIrcServer server, string? nick, IrcEngineSettings? settings = null,
        Func<IrcConnectionOptions, IrcConnectionOptions>? configure = null)
    {
        var connection = Create(server.Host, server.Port, nick, settings, configure);
        connection.Start();
        return connection;
    }
}

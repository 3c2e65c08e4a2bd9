using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;

namespace IrcStream.Tests.Support;

/// <summary>
/// The usual start of a fake-server test: a <see cref="FakeIrcServer"/>, an <see cref="IrcConnection"/> to it,
/// and the server's side of that connection, ready to talk. Disposing closes the connection, then the server.
/// </summary>
public sealed class FakeServerConnection : IAsyncDisposable
{
    private FakeServerConnection(FakeIrcServer server, IrcConnection connection, FakeIrcPeer peer)
    {
        Server = server;
        Connection = connection;
        Peer = peer;
    }

    public FakeIrcServer Server { get; }

    public IrcConnection Connection { get; }

    public FakeIrcPeer Peer { get; }

    public IEventLog Events => Connection.Events;

    public void Deconstruct(out IrcConnection connection, out FakeIrcPeer peer)
    {
        connection = Connection;
        peer = Peer;
    }

    /// <summary>
    /// Connects; without a nick returns once CONNECTED; with one, plays a server without CAP and returns once
    /// REGISTERED when <paramref name="welcome"/>, else as soon as the socket is accepted.
    /// </summary>
    public static async Task<FakeServerConnection> StartAsync(string? nick, CancellationToken cancellationToken,
        IrcEngineSettings? settings = null, Func<IrcConnectionOptions, IrcConnectionOptions>? configure = null, bool welcome = false)
    {
        var server = FakeIrcServer.Start();
        var connection = TestConnections.Start(server, nick, settings, configure);
        var started = new FakeServerConnection(server, connection, await server.AcceptAsync(TestConnections.Timeout, cancellationToken));
        try
        {
            if (nick is null)
            {
                await connection.Events.WaitForStatusAsync(IrcStatus.Connected, TestConnections.Timeout, cancellationToken);
            }
            else if (welcome)
            {
                await started.Peer.WelcomeAsync(TestConnections.Timeout, cancellationToken);
                await connection.Events.WaitForStatusAsync(IrcStatus.Registered, TestConnections.Timeout, cancellationToken);
            }
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}

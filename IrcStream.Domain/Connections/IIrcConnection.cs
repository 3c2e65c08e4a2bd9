using IrcStream.Domain.Events;

namespace IrcStream.Domain.Connections;

/// <summary>
/// One IRC connection kept by the gateway for a browser: it connects, registers, answers PING,
/// reconnects and rejoins on its own, and records everything in <see cref="Events"/>.
/// </summary>
public interface IIrcConnection : IAsyncDisposable
{
    IrcConnectionOptions Options { get; }
    IEventLog Events { get; }
    ConnectionState State { get; }

    /// <summary>The nick the server confirmed (001, then NICK changes); the requested one before that.</summary>
    string? CurrentNick { get; }

    /// <summary>The channels the connection is in, rejoined after every reconnect.</summary>
    IReadOnlyCollection<string> Channels { get; }

    /// <summary>What the connection knows as an IRC client (channels to rejoin and their keys among it), as one value.</summary>
    Client.IrcClientState ClientState { get; }

    /// <summary>
    /// Before <see cref="Start"/>, on a gateway node that takes this connection over from another: <paramref name="recorded"/>
    /// is the end of the log that node wrote, whose newest message per channel is where the client asks the server's
    /// chathistory to fill from, or, without chathistory, says lines may be missing.
    /// </summary>
    void CarryOn(IEnumerable<StoredEvent> recorded);

    /// <summary>
    /// Logs in with <paramref name="credentials"/> (none: without logging in) from the next registration on (a reconnect,
    /// a takeover); <see cref="Options"/> carries them from now. The current socket is not touched.
    /// </summary>
    void UseSasl(SaslCredentials? credentials);

    /// <summary>Begins connecting in the background; returns at once.</summary>
    void Start();

    /// <summary>Validates every line, then queues all of them in order behind flood control, or none.</summary>
    SendResult Send(IReadOnlyList<string> lines);

    /// <summary>
    /// The user's lines accepted and not written yet, and the number of the last one written (<see cref="UnwrittenLines"/>):
    /// what a gateway node puts back into the shared store's list of lines not sent, if the store lost it.
    /// </summary>
    UnwrittenLines Unwritten();

    /// <summary>Sends QUIT with <paramref name="reason"/>, waits briefly for the server, closes, emits CLOSED.</summary>
    ValueTask CloseAsync(string reason);

    /// <summary>
    /// Closes the socket without QUIT and appends nothing (no CLOSED, the log is not completed): another gateway node
    /// holds the connection now. Returns the user's lines that were queued and never written.
    /// </summary>
    ValueTask<IReadOnlyList<string>> LetGoAsync();
}

/// <summary>Makes connections; the HTTP side depends on this, so tests can give it other connections.</summary>
public interface IIrcConnectionFactory
{
    /// <summary>A connection that appends to <paramref name="events"/>, held under <paramref name="ownership"/> (none: the gateway runs alone).</summary>
    IIrcConnection Create(IrcConnectionOptions options, IEventLog events, IConnectionOwnership? ownership);
}

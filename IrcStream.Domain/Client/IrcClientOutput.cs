using IrcStream.Domain.Events;

namespace IrcStream.Domain.Client;

/// <summary>
/// What <see cref="IrcClient"/> decided for one input, in the order it decided it. The caller carries it out
/// and then clears it, so one instance serves a socket's whole life without allocating per input.
/// </summary>
public sealed class IrcClientOutput
{
    /// <summary>Lines the gateway writes on its own behalf; every one goes on the priority path, ahead of user lines.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Events to append to the connection's log, in order.</summary>
    public List<GatewayEvent> Events { get; } = [];

    /// <summary>
    /// The details of the ERROR statuses among <see cref="Events"/> that the operator should see in the log too
    /// (SASL failed, a bad setting); a line the server sent is never among them.
    /// </summary>
    public List<string> Problems { get; } = [];

    /// <summary>The user's lines may go out from now on (the welcome came, or the gateway gave up registering).</summary>
    public bool OpenUserLines { get; internal set; }

    /// <summary>True when there is nothing to do.</summary>
    public bool IsEmpty => Lines.Count == 0 && Events.Count == 0 && !OpenUserLines;

    public void Clear()
    {
        Lines.Clear();
        Events.Clear();
        Problems.Clear();
        OpenUserLines = false;
    }
}

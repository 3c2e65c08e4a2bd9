using IrcStream.Domain.Client;
using IrcStream.Domain.Events;
using Microsoft.Extensions.Logging;

namespace IrcStream.Domain.Connections;

/// <summary>Where a connection's events and log lines go: <see cref="IrcClient"/>'s events into the event log, its problems into the logger.</summary>
internal sealed class ConnectionJournal(IEventLog events, ILogger logger, string connectionId, string endpoint)
{
    public IEventLog Events { get; } = events;
    public ILogger Logger { get; } = logger;
    public string ConnectionId { get; } = connectionId;

    /// <summary><c>host:port</c>, or <c>[address]:port</c> for an IPv6 address.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>Appends the output's events in order and logs its problems and a welcome.</summary>
    public void Record(IrcClientOutput output)
    {
        foreach (var problem in output.Problems) IrcConnectionLogMessages.Problem(Logger, ConnectionId, Endpoint, problem);
        foreach (var gatewayEvent in output.Events)
        {
            Events.Append(gatewayEvent);
            if (gatewayEvent is StatusEvent { Status: IrcStatus.Registered } welcome)
                IrcConnectionLogMessages.Registered(Logger, ConnectionId, Endpoint, welcome.Detail ?? "");
        }
    }
}

using IrcStream.Domain.Events;
using Microsoft.Extensions.Logging;

namespace IrcStream.Domain.Connections;

/// <summary>Makes <see cref="IrcConnection"/>s with the gateway's settings; the HTTP side's <see cref="IIrcConnectionFactory"/>.</summary>
/// <remarks>Without an event log factory each connection keeps its events in memory (<see cref="EventLog"/>).</remarks>
public sealed class IrcConnectionFactory(IrcEngineSettings settings, ILoggerFactory? loggerFactory = null, IEventLogFactory? eventLogs = null)
    : IIrcConnectionFactory
{
    public IIrcConnection Create(IrcConnectionOptions options) =>
        new IrcConnection(options, settings, loggerFactory?.CreateLogger<IrcConnection>(), eventLogs?.Create(options.ConnectionId));
}

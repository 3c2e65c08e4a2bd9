using IrcStream.Domain.Events;
using Microsoft.Extensions.Logging;

namespace IrcStream.Domain.Connections;

/// <summary>Makes <see cref="IrcConnection"/>s with the gateway's settings; the HTTP side's <see cref="IIrcConnectionFactory"/>.</summary>
public sealed class IrcConnectionFactory(IrcEngineSettings settings, ILoggerFactory? loggerFactory = null) : IIrcConnectionFactory
{
    public IIrcConnection Create(IrcConnectionOptions options, IEventLog events, IConnectionOwnership? ownership) =>
        new IrcConnection(options, settings, loggerFactory?.CreateLogger<IrcConnection>(), events, ownership);
}

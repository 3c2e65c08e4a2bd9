using IrcStream.Api.Configuration;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Connections;

public static class ConnectionsSetup
{
    public static IServiceCollection AddIrcConnections(this IServiceCollection services)
    {
        services.AddSingleton<ServerPolicy>();
        services.AddSingleton<ConnectionCloser>();
        services.AddSingleton<OwnedConnections>();
        services.TryAddSingleton<IConnectionDirectory, LocalConnectionDirectory>();
        services.AddSingleton<GatewayShutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayShutdown>());
        services.AddSingleton(sp => EngineSettings(sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IIrcConnectionFactory>(sp => new IrcConnectionFactory(
            sp.GetRequiredService<IrcEngineSettings>(), sp.GetService<ILoggerFactory>(), sp.GetService<IEventLogFactory>()));
        return services;
    }

    internal static IrcEngineSettings EngineSettings(IrcStreamOptions options, TimeProvider time) => new()
    {
        EventBufferSize = options.EventBufferSize,
        EventBufferBytes = options.EventBufferBytes,
        LiveReaderHoldBytes = options.LiveReaderHoldBytes,
        LiveReaderHold = new EventHoldBudget(options.LiveReaderHoldTotalBytes),
        ConnectTimeout = options.ConnectTimeout,
        ReconnectDelay = options.ReconnectDelay,
        // The engine grows the delay on repeated failures; the configured delay must never exceed its ceiling.
        MaxReconnectDelay = TimeSpan.FromTicks(Math.Max(options.ReconnectDelay.Ticks, new IrcEngineSettings().MaxReconnectDelay.Ticks)),
        FloodBurst = options.Flood.Burst,
        FloodInterval = options.Flood.Interval,
        Time = time,
    };
}

using IrcStream.Api.Configuration;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Diagnostics;
using IrcStream.Domain.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Connections;

public static class ConnectionsSetup
{
    public static IServiceCollection AddIrcConnections(this IServiceCollection services)
    {
        services.AddSingleton<ServerPolicy>();
        services.TryAddSingleton<GatewayMetrics>();
        services.AddSingleton<ConnectionCloser>();
        services.AddSingleton<OwnedConnections>();
        services.AddSingleton<ConnectionOpener>();
        services.AddSingleton<GatewayShutdown>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayShutdown>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
            return EngineSettings(options) with
            {
                LiveReaderHold = new EventHoldBudget(options.LiveReaderHoldTotalBytes),
                Time = sp.GetRequiredService<TimeProvider>(),
                Metrics = sp.GetRequiredService<GatewayMetrics>(),
            };
        });
        services.AddSingleton<IIrcConnectionFactory>(sp => new IrcConnectionFactory(
            sp.GetRequiredService<IrcEngineSettings>(), sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    /// <summary>The engine's settings as configured; the gateway-wide hold budget and the clock are added by whoever runs them.</summary>
    internal static IrcEngineSettings EngineSettings(IrcStreamOptions options) => new()
    {
        EventBufferSize = options.EventBufferSize,
        EventBufferBytes = options.EventBufferBytes,
        LiveReaderHoldBytes = options.LiveReaderHoldBytes,
        ConnectTimeout = options.ConnectTimeout,
        ReconnectDelay = options.ReconnectDelay,
        FloodBurst = options.Flood.Burst,
        FloodInterval = options.Flood.Interval,
    };
}

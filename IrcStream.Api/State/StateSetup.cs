using IrcStream.Api.Cluster;
using IrcStream.Api.Sessions;

namespace IrcStream.Api.State;

public static class StateSetup
{
    /// <summary>
    /// Where the gateway's state lives, chosen once, from the configuration: with <c>IrcStream:Redis:Configuration</c>
    /// set, in Redis shared by every node (<c>RedisState</c>); without it, in this process (<see cref="MemoryState"/>).
    /// </summary>
    public static IServiceCollection AddGatewayState(this IServiceCollection services, IConfiguration configuration) =>
        RedisSetup.IsConfigured(configuration) ? services.AddRedisState() : services.AddMemoryState();

    private static IServiceCollection AddMemoryState(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<MemorySessionStore>();
        services.AddHostedService(sp => sp.GetRequiredService<MemorySessionStore>());
        services.AddSingleton<IGatewayState, MemoryState>();
        return services;
    }
}

using IrcStream.Api.Admin;
using IrcStream.Api.Cluster;
using IrcStream.Api.Guard;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;

namespace IrcStream.Api.State;

public static class StateSetup
{
    /// <summary>
    /// Where the gateway's state lives, chosen once, from the configuration: with <c>IrcStream:Redis:Configuration</c>
    /// set, in Redis shared by every node (<c>RedisState</c>); without it, in this process (<see cref="MemoryState"/>).
    /// Everything else that is kept in memory or in Redis by the same choice is registered here with it, and nowhere
    /// else: the per-address limits (<see cref="IAddressLimits"/>), the admin API's bans and connection list
    /// (<see cref="IBanStore"/>, <see cref="IAdminConnections"/>), the human check's used challenges (<see cref="IGuardStore"/>).
    /// </summary>
    public static IServiceCollection AddGatewayState(this IServiceCollection services, IConfiguration configuration)
    {
        var choice = new StateChoice(InRedis: RedisSetup.IsConfigured(configuration));
        services.AddSingleton(choice);
        return choice.InRedis ? services.AddRedisState() : services.AddMemoryState();
    }

    /// <summary>The routes of the state chosen: in Redis mode what one node asks another (<c>Cluster/Nodes/ClusterNodesApi</c>); none for a gateway that runs alone.</summary>
    public static IEndpointRouteBuilder MapGatewayState(this IEndpointRouteBuilder routes) =>
        routes.ServiceProvider.GetRequiredService<StateChoice>().InRedis ? routes.MapClusterNodes() : routes;

    private static IServiceCollection AddMemoryState(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<MemorySessionStore>();
        services.AddHostedService(sp => sp.GetRequiredService<MemorySessionStore>());
        services.AddSingleton<IGatewayState, MemoryState>();
        services.AddSingleton<IAddressLimits, MemoryAddressLimits>();
        services.AddSingleton<IBanStore, MemoryBanStore>();
        services.AddSingleton<IAdminConnections, LocalAdminConnections>();
        services.AddSingleton<IGuardStore, MemoryGuardStore>();
        return services;
    }
}

/// <summary>The choice <see cref="StateSetup.AddGatewayState"/> made, for the one thing decided after the services are built: which routes to map.</summary>
internal sealed record StateChoice(bool InRedis);

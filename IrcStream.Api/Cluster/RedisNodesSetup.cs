using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's stores for what every node shares: sessions (and, with them, the connections' records and owners).
/// Registered before the in-memory defaults, which only fill what is not registered yet; without
/// <c>IrcStream:Redis:Configuration</c> nothing is registered here.
/// </summary>
public static class RedisNodesSetup
{
    public static IServiceCollection AddRedisNodes(this IServiceCollection services, IConfiguration configuration)
    {
        if (!RedisSetup.IsConfigured(configuration)) return services;
        services.AddSingleton<GatewayNode>();
        services.AddSingleton<SessionKeepAlive>();
        services.AddSingleton<ISessionStore, RedisSessionStore>();
        services.AddSingleton<ConnectionLeases>();
        services.AddSingleton<ILeaseTokens>(sp => sp.GetRequiredService<ConnectionLeases>());
        services.AddSingleton<ConnectionSecrets>();
        // One key ring for every node, in Redis: what one node encrypts, any other can decrypt.
        services.AddDataProtection().SetApplicationName("IrcStream");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer, RedisKeys>((options, redis, keys) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), keys.DataProtectionKeys));
        services.AddSingleton<RedisConnectionDirectory>();
        services.AddSingleton<IConnectionDirectory>(sp => sp.GetRequiredService<RedisConnectionDirectory>());
        services.AddSingleton<OwnerForwarding>();
        services.TryAddSingleton<ClusterMetrics>();
        services.AddSingleton<RedisReach>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddHostedService<CutOffWatch>();
        services.AddSingleton<LiveNodes>();
        services.AddSingleton<PendingLines>();
        services.AddSingleton<TakeoverCandidates>();
        services.AddHostedService<ConnectionTakeover>();
        services.AddSingleton<IConnectionHandover, ConnectionHandover>();
        return services;
    }
}

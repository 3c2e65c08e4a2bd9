using IrcStream.Api.Http;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>Redis mode's nodes and what they share: sessions, connection records, leases and owners, forwarding, takeover and handover.</summary>
internal static class RedisNodesSetup
{
    public static IServiceCollection AddRedisNodes(this IServiceCollection services)
    {
        services.AddSingleton<GatewayNode>();
        services.AddSingleton<SessionKeepAlive>();
        services.AddSingleton<RedisSessionStore>();
        services.AddSingleton<ConnectionLeases>();
        services.AddSingleton<ILeaseTokens>(sp => sp.GetRequiredService<ConnectionLeases>());
        services.AddSingleton<ConnectionSecrets>();
        // One key ring for every node, in Redis: what one node encrypts, any other can decrypt.
        services.AddDataProtection().SetApplicationName("IrcStream");
        services.AddSingleton(sp =>
        {
            var (redis, keys) = (sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>());
            return new RememberedKeyRing(new RedisXmlRepository(() => redis.GetDatabase(), keys.DataProtectionKeys), redis, keys);
        });
        services.AddOptions<KeyManagementOptions>().Configure<RememberedKeyRing>((options, ring) => options.XmlRepository = ring);
        services.AddSingleton<RedisConnectionDirectory>();
        services.AddSingleton<OwnerForwarding>();
        services.AddSingleton<RedisReach>();
        services.AddSingleton<RedisGeneration>();
        services.AddSingleton<ServedSessions>();
        services.AddSingleton<RedisRebuild>();
        services.AddSingleton<IRebuildWindow>(sp => sp.GetRequiredService<RedisRebuild>());
        services.AddExceptionHandler<RedisRebuildingHandler>();
        services.AddSingleton<RedisAddressLimits>();
        services.AddSingleton<IAddressLimits>(sp => sp.GetRequiredService<RedisAddressLimits>());
        services.AddHostedService<NodeHeartbeat>();
        services.AddSingleton<PeerNodes>();
        services.AddSingleton<OwnerCheck>();
        services.AddHostedService<CutOffWatch>();
        services.AddSingleton<LiveNodes>();
        services.AddSingleton<PendingLines>();
        services.AddSingleton<TakeoverCandidates>();
        services.AddHostedService<ConnectionTakeover>();
        services.AddSingleton<ConnectionHandover>();
        return services;
    }
}

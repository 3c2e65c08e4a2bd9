using IrcStream.Api.Configuration;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Cluster;

/// <summary>The lease token this node holds on a connection, which fences its appends; null while it holds none.</summary>
internal interface ILeaseTokens
{
    string? TokenOf(string connectionId);
}

/// <summary>Redis mode's event logs: each connection this node opens appends to a <see cref="RedisEventLog"/> fenced by this node's lease.</summary>
internal sealed class RedisEventLogs(RedisEventStore store, ILeaseTokens leases, TimeProvider time) : IEventLogFactory
{
    public IEventLog Create(string connectionId) =>
        new RedisEventLog(connectionId, store, () => leases.TokenOf(connectionId), time);
}

public static class RedisEventLogSetup
{
    /// <summary>
    /// Event logs in Redis Streams: the owner's logs copy into them, and every node's streams and polls read them.
    /// Registered before the in-memory defaults (which are added only where nothing else was).
    /// </summary>
    internal static IServiceCollection AddRedisEventLogs(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RedisEventStore(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisKeys>(),
            sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.EventBufferSize,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RedisEventNotifier>();
        services.AddSingleton<IEventReaders, RedisEventReaders>();
        services.AddSingleton<IEventLogFactory>(sp => new RedisEventLogs(
            sp.GetRequiredService<RedisEventStore>(),
            sp.GetService<ILeaseTokens>() ?? throw new InvalidOperationException("Redis mode needs the connection leases (ILeaseTokens) registered."),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<NotifierStartup>();
        return services;
    }

    private sealed class NotifierStartup(RedisEventNotifier notifier) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => notifier.StartAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Cluster;

/// <summary>The lease token this node holds on a connection, which fences its appends; null while it holds none.</summary>
internal interface ILeaseTokens
{
    string? TokenOf(string connectionId);
}

/// <summary>
/// Redis mode's event logs: each connection this node opens appends to a <see cref="RedisEventLog"/> fenced by this
/// node's lease. Keeps the live ones until they are drained, so the lease is deleted only after the last event
/// (the connection's CLOSED) and the end mark are in Redis, and shutdown can wait for that.
/// </summary>
internal sealed class RedisEventLogs(RedisEventStore store, EventLogLimits limits, ILeaseTokens leases, TimeProvider time)
{
    /// <summary>How long closing a connection waits for its log to reach Redis before deleting the lease anyway.</summary>
    public static readonly TimeSpan DrainBudget = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, RedisEventLog> _live = new(StringComparer.Ordinal);

    /// <summary>The log of a connection this node opens: new (<paramref name="lastSeq"/> 0), or, for a connection taken over from another node, going on after <paramref name="lastSeq"/>, the newest seq in the stream.</summary>
    public RedisEventLog Create(string connectionId, long lastSeq)
    {
        var log = new RedisEventLog(connectionId, store, limits, () => leases.TokenOf(connectionId), time, lastSeq: lastSeq);
        _live[connectionId] = log;
        log.Drained.ContinueWith(
            _ => _live.TryRemove(new KeyValuePair<string, RedisEventLog>(connectionId, log)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return log;
    }

    /// <summary>This node's live log of the connection, if it has one.</summary>
    public RedisEventLog? Find(string connectionId) => _live.GetValueOrDefault(connectionId);

    /// <summary>Stops copying the connection's log to Redis for good: this node let the connection go.</summary>
    public void LetGo(string connectionId)
    {
        if (_live.TryRemove(connectionId, out var log)) log.LetGo();
    }

    /// <summary>Waits (at most <see cref="DrainBudget"/>) until the connection's completed log is all in Redis; at once when this node has no such log.</summary>
    public async Task DrainAsync(string connectionId)
    {
        if (_live.TryGetValue(connectionId, out var log)) await WithinBudget(log.Drained).ConfigureAwait(false);
    }

    /// <summary>Waits (at most <see cref="DrainBudget"/>) until every completed log is all in Redis.</summary>
    public Task DrainAllAsync() => WithinBudget(Task.WhenAll(_live.Values.Where(l => l.IsCompleted).Select(l => l.Drained)));

    private static async Task WithinBudget(Task drained)
    {
        try
        {
            await drained.WaitAsync(DrainBudget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Redis is away: what did not reach it is lost with this node's ownership, and readers will see its end missing.
        }
    }
}

public static class RedisEventLogSetup
{
    /// <summary>Event logs in Redis Streams: the owner's logs copy into them, and every node's streams and polls read them.</summary>
    internal static IServiceCollection AddRedisEventLogs(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RedisEventStore(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisKeys>(),
            sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.EventBufferSize,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ClusterMetrics>()));
        services.AddSingleton<RedisEventNotifier>();
        services.AddSingleton<RedisEventSources>();
        services.AddSingleton(sp => new RedisEventLogs(
            sp.GetRequiredService<RedisEventStore>(),
            sp.GetRequiredService<IrcEngineSettings>().EventLogLimits,
            sp.GetRequiredService<ILeaseTokens>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<EventLogsLifetime>();
        return services;
    }

    /// <summary>
    /// Subscribes as the node starts; as it stops (after the connections were closed: hosted services stop in reverse
    /// order) waits for their last events to reach Redis, before the client is disposed.
    /// </summary>
    private sealed class EventLogsLifetime(RedisEventNotifier notifier, RedisEventLogs logs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => notifier.StartAsync();

        public Task StopAsync(CancellationToken cancellationToken) => logs.DrainAllAsync();
    }
}

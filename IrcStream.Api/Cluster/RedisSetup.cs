using IrcStream.Api.Admin;
using IrcStream.Api.Configuration;
using IrcStream.Api.Guard;
using IrcStream.Api.State;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode (<c>IrcStream:Redis:Configuration</c> set; chosen in <see cref="State.StateSetup.AddGatewayState"/>): one
/// <see cref="IConnectionMultiplexer"/> for the process, connected when the gateway starts, and everything
/// <see cref="RedisState"/> is made of.
/// </summary>
public static class RedisSetup
{
    public const string ConfigurationKey = $"{IrcStreamOptions.SectionName}:Redis:Configuration";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ConfigurationKey]);

    /// <summary>The gateway's state in Redis, shared by every node: sessions, connection records and leases, event logs, forwarding, takeover.</summary>
    internal static IServiceCollection AddRedisState(this IServiceCollection services)
    {
        services.AddRedisClient();
        services.AddSingleton<ClusterMetrics>();
        services.AddRedisEventLogs();
        services.AddRedisNodes();
        services.AddSingleton<IGatewayState, RedisState>();
        services.AddSingleton<RedisBanStore>();
        services.AddSingleton<IBanStore>(sp => sp.GetRequiredService<RedisBanStore>());
        services.AddSingleton<IAdminConnections, RedisAdminConnections>();
        services.AddSingleton<IGuardStore, RedisGuardStore>();
        return services;
    }

    /// <summary>The Redis client alone: the multiplexer, connected as the host starts, the key names, readiness, and 503 for a request Redis failed.</summary>
    public static IServiceCollection AddRedisClient(this IServiceCollection services)
    {
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(
            sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Redis,
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Redis.KeyPrefix));
        // Resolves the multiplexer as the host starts, so an unreachable Redis stops the gateway there, not at a first request.
        services.AddHostedService<RedisStartup>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        services.AddExceptionHandler<RedisUnavailableHandler>();
        return services;
    }

    /// <summary>The parsed configuration string, or null with the parser's complaint.</summary>
    internal static ConfigurationOptions? ParseConfiguration(string configuration, out string? error)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(configuration);
            error = parsed.EndPoints.Count == 0 ? "it names no host:port" : null;
            return error is null ? parsed : null;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// The gateway's client settings over the configuration string: a command fails at once while Redis is away
    /// instead of waiting in the client's backlog, so a request answers 503 promptly and an append stays held in
    /// memory where its owner can see it, rather than reaching Redis later out of the owner's sight.
    /// </summary>
    internal static ConfigurationOptions ClientOptions(string configuration)
    {
        var options = ParseConfiguration(configuration, out var error) ?? throw new ArgumentException(error, nameof(configuration));
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Every node tries again every half second after Redis went away, so all of them are back within a beat of each
        // other (the default backs off to many seconds): a node back first waits only so long for the others to take
        // their leases back (RedisReach.ReFenceGrace).
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }

    private static IConnectionMultiplexer Connect(RedisOptions redis, ILoggerFactory? loggerFactory)
    {
        var options = ClientOptions(redis.Configuration!);
        // Fail at start rather than wait; once connected, the multiplexer reconnects by itself after a loss. The client's
        // own log is not wired in: it logs every reconnect attempt as an error, every few seconds for as long as the
        // process runs against a primary that died in a failover; what matters is said once per endpoint below.
        options.AbortOnConnectFail = true;
        try
        {
            var multiplexer = ConnectionMultiplexer.Connect(options);
            var logger = loggerFactory?.CreateLogger("IrcStream.Api.Cluster.Redis");
            if (logger is not null)
            {
                // Once per endpoint until it is back: a primary that died in a failover is retried by the client for as
                // long as the process runs, and would otherwise fill the log every few seconds.
                var lost = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
                multiplexer.ConnectionFailed += (_, e) =>
                {
                    var endPoint = e.EndPoint?.ToString() ?? "?";
                    if (lost.TryAdd(endPoint, 0)) RedisLogMessages.Lost(logger, endPoint, e.FailureType.ToString());
                };
                multiplexer.ConnectionRestored += (_, e) =>
                {
                    if (lost.TryRemove(e.EndPoint?.ToString() ?? "?", out byte _)) RedisLogMessages.Restored(logger, e.EndPoint?.ToString());
                };
            }
            return multiplexer;
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} ('{options.ToString(includePassword: false)}'): Redis could not be reached ({ex.Message}). " +
                "Check the address and password, and that Redis is running; or leave the key unset to run one gateway without Redis.", ex);
        }
    }

    private sealed class RedisStartup(IConnectionMultiplexer redis) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            redis.IsConnected ? Task.CompletedTask : throw new InvalidOperationException($"{ConfigurationKey}: Redis is not connected.");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

internal static partial class RedisLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {EndPoint} lost ({Failure}): requests that need it answer 503, events are held in memory until it is back")]
    public static partial void Lost(ILogger logger, string? endPoint, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {EndPoint} reachable again")]
    public static partial void Restored(ILogger logger, string? endPoint);
}

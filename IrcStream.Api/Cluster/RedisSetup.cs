using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode: with <c>IrcStream:Redis:Configuration</c> set, one <see cref="IConnectionMultiplexer"/> for the
/// process, connected when the gateway starts; unset, nothing Redis is registered and the gateway is one process.
/// </summary>
public static class RedisSetup
{
    public const string ConfigurationKey = $"{IrcStreamOptions.SectionName}:Redis:Configuration";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ConfigurationKey]);

    public static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsConfigured(configuration)) return services;
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(
            sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Redis,
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Redis.KeyPrefix));
        // Resolves the multiplexer as the host starts, so an unreachable Redis stops the gateway there, not at a first request.
        services.AddHostedService<RedisStartup>();
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

    private static IConnectionMultiplexer Connect(RedisOptions redis, ILoggerFactory? loggerFactory)
    {
        var options = ParseConfiguration(redis.Configuration!, out _)!;
        // Fail at start rather than wait; once connected, the multiplexer reconnects by itself after a loss.
        options.AbortOnConnectFail = true;
        options.LoggerFactory = loggerFactory;
        try
        {
            return ConnectionMultiplexer.Connect(options);
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

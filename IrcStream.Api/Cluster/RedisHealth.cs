using IrcStream.Api.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Readiness in Redis mode: Redis takes a write in time. A PING alone would pass against a replica left read-only by a
/// failover, while every request that writes would fail; so the check writes a short-lived key of its own.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, RedisKeys keys) : IHealthCheck
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected) return HealthCheckResult.Unhealthy("Redis cannot be reached");
        try
        {
            var started = ClusterMetrics.Start();
            await redis.GetDatabase().StringSetAsync(keys.Health, "1", TimeSpan.FromSeconds(10)).WaitAsync(WriteTimeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis took a write in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.###} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(RedisUnavailableHandler.IsUnavailable(ex) ? $"Redis takes no writes ({ex.Message})" : $"Redis does not answer ({ex.GetType().Name})");
        }
    }
}

/// <summary>
/// A request that needed Redis while it could not be reached or did not answer in time: 503 problem+json with a
/// Retry-After, not a 500. Nothing the request was to change has changed, so sending it again is safe.
/// </summary>
internal sealed class RedisUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>What the 503 asks the client to wait before trying again.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>
    /// Redis could not carry a command out just now: it cannot be reached or did not answer, or it answered with an
    /// error that a failover causes and that passes with it (a replica that is read-only until promoted, a primary
    /// loading its data or without its replicas). Such a command is sent again: the next try finds the new primary.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => FailoverErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        _ => false,
    };

    private static readonly string[] FailoverErrors = ["READONLY", "LOADING", "MASTERDOWN", "TRYAGAIN", "NOREPLICAS"];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        IsUnavailable(exception) && await WriteAsync(problems, httpContext, exception, RetryAfterSeconds, "Temporarily unavailable",
            $"The gateway cannot reach its shared store just now. Your IRC connections stay up and keep their events; send the request again in {RetryAfterSeconds} seconds.");

    /// <summary>Answers 503 problem+json with a Retry-After of <paramref name="retryAfterSeconds"/>.</summary>
    internal static ValueTask<bool> WriteAsync(IProblemDetailsService problems, HttpContext httpContext, Exception exception, int retryAfterSeconds, string title, string detail)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }
}

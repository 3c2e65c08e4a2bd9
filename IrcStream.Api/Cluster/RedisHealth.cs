using IrcStream.Api.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>Readiness in Redis mode: Redis answers a PING in time.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected) return HealthCheckResult.Unhealthy("Redis cannot be reached");
        try
        {
            var roundTrip = await redis.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {roundTrip.TotalMilliseconds:0.###} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis does not answer ({ex.GetType().Name})");
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

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or RedisTimeoutException)) return false;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = $"The gateway cannot reach its shared store just now. Your IRC connections stay up and keep their events; send the request again in {RetryAfterSeconds} seconds.",
            },
        });
    }
}

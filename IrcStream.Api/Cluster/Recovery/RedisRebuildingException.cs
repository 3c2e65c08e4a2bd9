using Microsoft.AspNetCore.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// A session or connection a request names is not in Redis, a moment after Redis lost its data, while the nodes may
/// still be putting it back (<see cref="RedisRebuild"/>): answered 503 with Retry-After
/// (<see cref="RedisRebuildingHandler"/>), not "not found", so a browser tries again rather than forgetting it.
/// </summary>
internal sealed class RedisRebuildingException() : Exception("Redis lost its data a moment ago; the gateway nodes are putting back what they hold.");

/// <summary>Answers <see cref="RedisRebuildingException"/> with 503 problem+json and a Retry-After.</summary>
internal sealed class RedisRebuildingHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>What the 503 asks the client to wait: the nodes put their part back within a heartbeat.</summary>
    public const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        exception is RedisRebuildingException && await RedisUnavailableHandler.WriteAsync(problems, httpContext, exception, RetryAfterSeconds, "Being restored",
            "The gateway's shared store lost its data a moment ago, and the gateway nodes are putting your session and connections back " +
            $"from their memory. Your IRC connections stay up; send the request again in {RetryAfterSeconds} second.");
}

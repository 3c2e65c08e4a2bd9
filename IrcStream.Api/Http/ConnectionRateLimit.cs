using System.Globalization;
using System.Threading.RateLimiting;
using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Http;

/// <summary>
/// Limits how many connections one client address opens per window (<c>IrcStream:ConnectionRateLimit</c>), on
/// top of the per-session cap, so a client cannot get around the cap by dropping its cookie. A gateway that runs
/// alone counts in memory (ASP.NET Core's fixed window limiter); in Redis mode every node counts in one shared window
/// (<see cref="IConnectionRateWindow"/>), so a client spread over several nodes gets the limit once, not once per node.
/// </summary>
public static class ConnectionRateLimit
{
    public const string PolicyName = "connection-create";

    public static IServiceCollection AddConnectionRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context =>
            {
                var address = ClientAddress.KeyOf(context);
                if (context.RequestServices.GetService<IConnectionRateWindow>() is not null) return RateLimitPartition.GetNoLimiter(address);
                var limit = context.RequestServices.GetRequiredService<IOptions<IrcStreamOptions>>().Value.ConnectionRateLimit;
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = static async (rejected, _) =>
                await RefuseAsync(rejected.HttpContext, rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null);
        });
        return services;
    }

    /// <summary>The limit on an endpoint that opens a connection: the memory limiter's policy, or the shared window in Redis mode.</summary>
    public static RouteHandlerBuilder RequireConnectionRateLimit(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(PolicyName).AddEndpointFilterFactory(static (factory, next) =>
        {
            if (factory.ApplicationServices.GetService<IConnectionRateWindow>() is not { } window) return next;
            return async context =>
            {
                var http = context.HttpContext;
                if (await window.TryConnectAsync(ClientAddress.KeyOf(http)).ConfigureAwait(false) is not { } retry) return await next(context).ConfigureAwait(false);
                await RefuseAsync(http, retry).ConfigureAwait(false);
                return Results.Empty;
            };
        });

    private static async Task RefuseAsync(HttpContext context, TimeSpan? retry)
    {
        if (retry is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many new connections",
            retry is { } w
                ? $"Your address opened too many IRC connections in a short time. Wait {Math.Ceiling(w.TotalSeconds)} seconds and try again."
                : "Your address opened too many IRC connections in a short time. Wait a minute and try again.");
    }
}

/// <summary>The connection rate window every node shares (Redis mode); not registered for a gateway that runs alone.</summary>
internal interface IConnectionRateWindow
{
    /// <summary>Counts a new connection from <paramref name="address"/>; null when allowed, else how long until the window ends.</summary>
    ValueTask<TimeSpan?> TryConnectAsync(string address);
}

using System.Threading.RateLimiting;
using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Http;

/// <summary>
/// Limits how many connections one client address opens per window (<c>IrcStream:ConnectionRateLimit</c>), on
/// top of the per-session cap, so a client cannot get around the cap by dropping its cookie.
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
                var limit = context.RequestServices.GetRequiredService<IOptions<IrcStreamOptions>>().Value.ConnectionRateLimit;
                var address = ClientAddress.KeyOf(context);
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = static async (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : (TimeSpan?)null;
                if (retry is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many new connections",
                        Detail = retry is { } w
                            ? $"Your address opened too many IRC connections in a short time. Wait {Math.Ceiling(w.TotalSeconds)} seconds and try again."
                            : "Your address opened too many IRC connections in a short time. Wait a minute and try again.",
                    },
                });
            };
        });
        return services;
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Admin;

/// <summary>
/// The admin API's own rate limit (<c>IrcStream:Admin:RateLimit</c>), per client address, counted before the key is
/// checked, so guessing keys is as slow as the limit; its refusal says so in its own words.
/// </summary>
internal sealed class AdminRateLimit(IOptions<IrcStreamOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "admin";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static async (rejected, _) =>
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many admin requests",
            $"This address made more admin requests than IrcStream:Admin:RateLimit allows. Wait {seconds} seconds and send it again.");
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limit = options.Value.Admin.RateLimit;
        return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.KeyOf(httpContext), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
    }
}

using System.Globalization;

namespace IrcStream.Api.Http;

/// <summary>
/// Limits how many connections one client address opens per window (<c>IrcStream:ConnectionRateLimit</c>), on
/// top of the per-session cap, so a client cannot get around the cap by dropping its cookie. The window is counted
/// where the gateway's state is (<see cref="IAddressLimits"/>): in memory for a gateway that runs alone, in Redis for
/// several nodes, so a client spread over them gets the limit once, not once per node.
/// </summary>
public static class ConnectionRateLimit
{
    /// <summary>The limit on an endpoint that opens a connection.</summary>
    public static RouteHandlerBuilder RequireConnectionRateLimit(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilterFactory(static (factory, next) =>
        {
            var limits = factory.ApplicationServices.GetRequiredService<IAddressLimits>();
            return async context =>
            {
                var http = context.HttpContext;
                var decision = await limits.TryConnectAsync(ClientAddress.KeyOf(http)).ConfigureAwait(false);
                if (decision.Allowed) return await next(context).ConfigureAwait(false);
                await RefuseAsync(http, decision.RetryAfter).ConfigureAwait(false);
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

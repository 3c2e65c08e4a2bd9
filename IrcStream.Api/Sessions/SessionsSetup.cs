using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using IrcStream.Api.State;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Sessions;

public static class SessionsSetup
{
    /// <summary>
    /// Gives every request of the group its session (a new one with its cookie when it has none), or answers
    /// 503/429 when a new one is needed and the session limits are reached.
    /// </summary>
    public static RouteGroupBuilder WithSession(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var resolution = await http.RequestServices.GetRequiredService<IGatewayState>().ResolveSessionAsync(http);
            if (!resolution.Succeeded) return Refusal(resolution.Refusal, http);
            if (resolution.NewCookie is { } cookie) SessionCookie.Set(http, cookie);
            http.Features.Set(resolution.Session);
            return await next(context);
        });
        return group;
    }

    /// <summary>The session <see cref="WithSession"/> resolved for this request.</summary>
    internal static IBrowserSession GetSession(this HttpContext context) =>
        context.Features.Get<IBrowserSession>() ?? throw new InvalidOperationException("The endpoint's group has no session filter (WithSession).");

    private static object Refusal(SessionRefusal refusal, HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
        return refusal switch
        {
            SessionRefusal.AddressFull => Problems.TooManySessionsFromAddress(options.MaxSessionsPerAddress, options.SessionIdleTimeout),
            SessionRefusal.GatewayFull => Problems.GatewayFull(),
            _ => Problems.SessionNotFound(),
        };
    }
}

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
            var state = http.RequestServices.GetRequiredService<IGatewayState>();
            var gate = http.RequestServices.GetService<INewSessionGate>();
            var resolution = await state.ResolveSessionAsync(http, mayCreate: gate is null);
            if (gate is not null && resolution.Refusal == SessionRefusal.NotFound)
            {
                // Asked only when a new session is needed, not on every request of an existing one.
                if (await gate.RefuseAsync(http) is { } refused) return refused;
                resolution = await state.ResolveSessionAsync(http, mayCreate: true);
            }
            if (!resolution.Succeeded) return Refusal(resolution.Refusal, http);
            if (resolution.NewCookie is { } newCookie) SessionCookie.Set(http, newCookie);
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

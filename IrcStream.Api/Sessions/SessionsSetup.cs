using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using IrcStream.Api.State;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Sessions;

public static class SessionsSetup
{
    /// <summary>
    /// Gives every request of the group its session. Only an endpoint marked <see cref="StartsSession"/> (opening a
    /// connection) makes a new one, with its cookie, or answers 503/429 when the session limits are reached; any
    /// other request without a session is served as one that holds nothing, so opening the page and listing
    /// (nothing) never takes a session from the address's share.
    /// </summary>
    public static RouteGroupBuilder WithSession(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var state = http.RequestServices.GetRequiredService<IGatewayState>();
            var gate = http.RequestServices.GetService<INewSessionGate>();
            var mayCreate = http.GetEndpoint()?.Metadata.GetMetadata<StartsSessionMetadata>() is not null;
            var resolution = await state.ResolveSessionAsync(http, mayCreate: mayCreate && gate is null);
            if (mayCreate && gate is not null && resolution.Refusal == SessionRefusal.NotFound)
            {
                // Asked only when a new session is needed, not on every request of an existing one.
                if (await gate.RefuseAsync(http) is { } refused) return refused;
                resolution = await state.ResolveSessionAsync(http, mayCreate: true);
            }
            // Looking needs no session: answered as one that holds nothing (a forwarded request's session must exist).
            if (resolution.Refusal == SessionRefusal.NotFound && !ForwardedRequest.Is(http))
                resolution = SessionResolution.Found(EmptySession.Instance);
            if (!resolution.Succeeded) return Refusal(resolution.Refusal, http);
            if (resolution.NewCookie is { } newCookie) SessionCookie.Set(http, newCookie);
            http.Features.Set(resolution.Session);
            return await next(context);
        });
        return group;
    }

    /// <summary>Marks the endpoint that may start a session: the one a person uses to connect.</summary>
    public static RouteHandlerBuilder StartsSession(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new StartsSessionMetadata());

    private sealed class StartsSessionMetadata;

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

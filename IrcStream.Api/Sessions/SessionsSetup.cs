using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Sessions;

public static class SessionsSetup
{
    /// <summary>Sessions in this process's memory, unless a shared store (Redis mode) was registered before.</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(ISessionStore))) return services;
        services.AddMemoryCache();
        services.AddSingleton<MemorySessionStore>();
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<MemorySessionStore>());
        services.AddHostedService(sp => sp.GetRequiredService<MemorySessionStore>());
        return services;
    }

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
            var store = http.RequestServices.GetRequiredService<ISessionStore>();
            // A request another node forwarded belongs to a session that exists; if it has just expired, none is made for it.
            var mayCreate = !OwnerForwarding.IsForwarded(http) && http.GetEndpoint()?.Metadata.GetMetadata<StartsSessionMetadata>() is not null;
            var resolution = await store.ResolveAsync(SessionCookie.Read(http), ClientAddress.KeyOf(http), mayCreate, http.RequestAborted);
            if (resolution.Refusal == SessionRefusal.NotFound && !OwnerForwarding.IsForwarded(http))
                resolution = SessionResolution.Found(EmptySession.Instance);
            if (!resolution.Succeeded) return Refusal(resolution.Refusal, http);
            if (resolution.NewCookie is { } cookie) SessionCookie.Set(http, cookie);
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

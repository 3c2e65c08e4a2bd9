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
    /// Gives every request of the group its session (a new one with its cookie when it has none), or answers
    /// 503/429 when a new one is needed and the session limits are reached.
    /// </summary>
    public static RouteGroupBuilder WithSession(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var store = http.RequestServices.GetRequiredService<ISessionStore>();
            // A request another node forwarded belongs to a session that exists; if it has just expired, none is made for it.
            var mayCreate = !OwnerForwarding.IsForwarded(http);
            var cookie = SessionCookie.Read(http);
            var address = ClientAddress.KeyOf(http);
            var gate = http.RequestServices.GetService<INewSessionGate>();
            var resolution = await store.ResolveAsync(cookie, address, mayCreate: mayCreate && gate is null, http.RequestAborted);
            if (gate is not null && mayCreate && resolution.Refusal == SessionRefusal.NotFound)
            {
                // Asked only when a new session is needed, not on every request of an existing one.
                if (await gate.RefuseAsync(http) is { } refused) return refused;
                resolution = await store.ResolveAsync(cookie, address, mayCreate: true, http.RequestAborted);
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

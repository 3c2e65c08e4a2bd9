namespace IrcStream.Api.Sessions;

public static class SessionsSetup
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<SessionStore>();
        return services;
    }

    /// <summary>
    /// Gives every request of the group its session (a new one with its cookie when it has none), or answers
    /// 503/429 when a new one is needed and the session limits are reached.
    /// </summary>
    public static RouteGroupBuilder WithSession(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static (context, next) =>
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
            if (!store.TryResolve(context.HttpContext, out var session, out var refusal)) return ValueTask.FromResult<object?>(refusal);
            context.HttpContext.Features.Set(session);
            return next(context);
        });
        return group;
    }

    /// <summary>The session <see cref="WithSession"/> resolved for this request.</summary>
    internal static Session GetSession(this HttpContext context) =>
        context.Features.Get<Session>() ?? throw new InvalidOperationException("The endpoint's group has no session filter (WithSession).");
}

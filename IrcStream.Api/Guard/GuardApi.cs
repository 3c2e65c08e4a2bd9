using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IrcStream.Api.Guard;

/// <summary>The DNS block lists and the human check: what keeps abusers out of IRC (see docs/OPERATORS.md).</summary>
public static class GuardApi
{
    public static IServiceCollection AddGuard(this IServiceCollection services)
    {
        services.AddSingleton<Dnsbl>();
        services.AddSingleton<HumanCheck>();
        services.AddSingleton<Admission>();
        // The used challenges are kept where the gateway's state is (State/StateSetup): with Redis, used once across every node.
        return services;
    }

    /// <summary><c>GET /api/challenge</c>: a proof-of-work challenge, when the human check is configured.</summary>
    public static RouteHandlerBuilder MapGuardApi(this IEndpointRouteBuilder routes) =>
        // Not rate limited: a challenge is stateless (signed, nothing stored) until it is used.
        routes.MapGet("/api/challenge", Challenge).WithTags("Human check");

    internal static async Task<Results<Ok<ChallengeDto>, ProblemHttpResult>> Challenge(HttpContext http, HumanCheck humanCheck)
    {
        if (!humanCheck.IsConfigured)
        {
            return TypedResults.Problem(
                title: "No human check here",
                detail: "This gateway does not ask for a human check, so it gives out no challenges. Open a connection with POST /api/connections.",
                statusCode: StatusCodes.Status404NotFound);
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await humanCheck.IssueAsync(http.RequestAborted));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IrcStream.Api.Http;

/// <summary>
/// Two answers for an orchestrator. <c>/healthz</c> (readiness): 200 while the node can serve, 503 problem+json while a
/// part it needs is not there (in Redis mode: Redis unreachable), so a load balancer sends requests elsewhere.
/// <c>/livez</c> (liveness): 200 while the process runs, so a node that only waits for Redis is not killed, which
/// would end the IRC connections it keeps up meanwhile.
/// </summary>
public static class HealthSetup
{
    public const string ReadinessPath = "/healthz";
    public const string LivenessPath = "/livez";

    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(ReadinessPath, Ready);
        routes.MapGet(LivenessPath, () => TypedResults.Ok("ok"));
        return routes;
    }

    private static async Task<Results<Ok<string>, ProblemHttpResult>> Ready(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        if (report.Status == HealthStatus.Healthy) return TypedResults.Ok("ok");
        var reasons = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Value.Description ?? e.Key);
        return TypedResults.Problem(
            title: "Not ready",
            detail: $"This node cannot serve requests now: {string.Join("; ", reasons)}. It keeps its IRC connections up and is ready again once that is back.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

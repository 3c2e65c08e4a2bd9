using IrcStream.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IrcStream.Api.Http;

/// <summary>The gateway's problem responses, each with a detail that tells the user what to do.</summary>
internal static class Problems
{
    public static ProblemHttpResult ConnectionNotFound(string id) => TypedResults.Problem(
        title: "No such connection",
        detail: $"This session has no connection '{id}'. It may have been closed, or your session expired; list yours with GET /api/connections or open a new one with POST /api/connections.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult SessionNotFound() => TypedResults.Problem(
        title: "No such session",
        detail: "Your session expired or never existed. Send the request again from your browser to start a new session.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult GatewayFull() => TypedResults.Problem(
        title: "The gateway is full",
        detail: "This gateway already has as many people connected as it can take, so it cannot connect you now. Try again in a few minutes: a place frees up whenever someone leaves.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult TooManySessionsFromAddress(int max, TimeSpan idleTimeout) => TypedResults.Problem(
        title: "Too many people from your address",
        detail: $"{max} browsers at your internet address are already connected through this gateway, the most it allows one address " +
            "(an office, a school or a mobile network can share one address). Try again in a few minutes: a place frees up when one of them " +
            $"leaves or has been unused for {Durations.Words(idleTimeout)}. A script must keep the {SessionCookie.Name} cookie it was given, as a browser does.",
        statusCode: StatusCodes.Status429TooManyRequests);

    /// <summary>Writes a problem from middleware, where there is no endpoint result to return.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title, string detail) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: title);
}

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
        detail: "This gateway holds as many sessions as its operator allows (IrcStream:MaxSessions), so it cannot start one for you now. Try again later; a session is freed whenever one ends.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult TooManySessionsFromAddress(int max, TimeSpan idleTimeout) => TypedResults.Problem(
        title: "Too many sessions from your address",
        detail: $"Your address already holds {max} sessions, the most this gateway allows one address (IrcStream:MaxSessionsPerAddress). " +
            $"Send the {SessionCookie.Name} cookie you were given with every request (a browser does; its tabs share one), " +
            $"or try again once one of them has gone unused for {idleTimeout} and expired.",
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

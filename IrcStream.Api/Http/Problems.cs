using Microsoft.AspNetCore.Http.HttpResults;

namespace IrcStream.Api.Http;

/// <summary>The gateway's problem responses, each with a detail that tells the user what to do.</summary>
internal static class Problems
{
    public static ProblemHttpResult ConnectionNotFound(string id) => TypedResults.Problem(
        title: "No such connection",
        detail: $"This session has no connection '{id}'. It may have been closed, or your session expired; list yours with GET /api/connections or open a new one with POST /api/connections.",
        statusCode: StatusCodes.Status404NotFound);

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

using Microsoft.AspNetCore.Http.HttpResults;

namespace IrcStream.Api.Admin;

/// <summary>The admin API's problem responses, each saying what to do.</summary>
internal static class AdminProblems
{
    public static ProblemHttpResult ConnectionNotFound(string id) => TypedResults.Problem(
        title: "No such connection",
        detail: $"No gateway node holds a connection '{id}'. It may have been closed already; list the open ones with GET /admin/connections.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult SessionNotFound(string id) => TypedResults.Problem(
        title: "No such session",
        detail: $"There is no live session '{id}'. It may have ended already; a connection's sessionId in GET /admin/connections names its session.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult BanNotFound(string id) => TypedResults.Problem(
        title: "No such ban",
        detail: $"There is no ban '{id}' in force. It may have ended or been lifted already; list the bans in force with GET /admin/bans.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult NobodyHolds(string id, TimeSpan leaseTimeout) => TypedResults.Problem(
        title: "Connection being taken over",
        detail: $"Connection '{id}' belongs to a gateway node that stopped, and no node holds it right now; one takes it over within {leaseTimeout}. Send the request again then.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult NodeUnreachable(string id, string node, string why) => TypedResults.Problem(
        title: "Connection's gateway node unreachable",
        detail: $"Connection '{id}' is held by gateway node {node}, and {why}. Nothing was closed; send the request again in a moment.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        title: "Admin key required",
        detail: "The admin API needs one of the gateway's admin keys as 'Authorization: Bearer <key>'. Send the key itself (its SHA-256 is what IrcStream:Admin:Keys holds).",
        statusCode: StatusCodes.Status401Unauthorized);
}

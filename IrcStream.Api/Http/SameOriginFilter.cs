namespace IrcStream.Api.Http;

/// <summary>
/// Refuses a state-changing request (POST, DELETE) whose <c>Origin</c> is another site's (403), so a page elsewhere
/// cannot drive a user's IRC connections. A request without <c>Origin</c> (curl, scripts) is let through.
/// </summary>
public static class SameOriginFilter
{
    public static RouteGroupBuilder WithSameOriginCheck(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsDelete(request.Method)
                && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method))
            {
                return next(context);
            }
            if (!request.Headers.TryGetValue("Origin", out var origins)) return next(context);
            var own = $"{request.Scheme}://{request.Host.Value}";
            if (origins.Count == 1 && string.Equals(origins[0], own, StringComparison.OrdinalIgnoreCase)) return next(context);
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                title: "Cross-site request refused",
                detail: $"This request came from the page at '{origins}', not from this gateway ({own}). Use the gateway's own web client, or send the request without an Origin header.",
                statusCode: StatusCodes.Status403Forbidden));
        });
        return group;
    }
}

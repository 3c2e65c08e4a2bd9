using System.Text.Json;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Sends a request about a connection another node owns (POST lines, DELETE) to that node, and answers with exactly
/// what it answered. The owner is the node whose token is in the connection's lease, reached at the address it
/// announces; the forwarded request carries the user's cookie (so the owner finds the same session) and
/// <see cref="Header"/> (so the owner answers it itself and never makes a new session for it). If the owner does not
/// answer within <c>IrcStream:Redis:ForwardTimeout</c>, the answer is 503 with a retry hint; a connection whose lease
/// nobody holds is answered here, as a closed one.
/// </summary>
internal sealed class OwnerForwarding(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    OwnedConnections owned,
    IOptions<IrcStreamOptions> options,
    IOptions<JsonOptions> json,
    ClusterMetrics metrics,
    ILogger<OwnerForwarding> logger) : IDisposable
{
    /// <summary>Marks a request forwarded by another node (its id): answered where it arrives, never forwarded again.</summary>
    public const string Header = "X-IrcStream-Forwarded-By";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly TimeSpan _timeout = options.Value.Redis.ForwardTimeout;

    public static bool IsForwarded(HttpContext http) => http.Request.Headers.ContainsKey(Header);

    /// <summary>
    /// The owner's answer to the request, or null when this node answers it: it owns the connection, the request was
    /// forwarded to it already, the session does not hold the connection, or nobody owns it any more.
    /// </summary>
    public async Task<IResult?> ForwardIfElsewhereAsync(HttpContext http, string connectionId, object? body)
    {
        if (owned.Find(connectionId) is not null || IsForwarded(http)) return null;
        if (!await http.GetSession().HoldsAsync(connectionId, http.RequestAborted).ConfigureAwait(false)) return null;
        // One round trip for who owns it and where that node is.
        var found = await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.OwnerFind, [keys.Lease(connectionId)], [keys.NodePrefix]).ConfigureAwait(false);
        if (found.IsNull)
        {
            // Nobody holds it this instant, but it is not closed: it is being taken over, or its owner takes its lease
            // back now that Redis answers again. Answering "not open" would be untrue.
            if (!await redis.GetDatabase().KeyExistsAsync(keys.Connection(connectionId)).ConfigureAwait(false)) return null;
            return BetweenOwners(connectionId);
        }
        var owner = (string)found[0]!;
        if (owner == node.Id) return null;
        if ((string?)found[1] is not { } url) return Unreachable(connectionId, "it is not announcing an address");
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), url + http.Request.Path + http.Request.QueryString);
        request.Headers.Host = http.Request.Host.Value;
        request.Headers.Add(Header, node.Id);
        if (SessionCookie.Read(http) is { } cookie) request.Headers.Add("Cookie", $"{SessionCookie.Name}={cookie}");
        // The body as it was bound here: a body that does not bind was answered here already, as the owner would.
        if (body is not null) request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), json.Value.SerializerOptions))
        {
            Headers = { ContentType = new("application/json") },
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var content = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            metrics.RequestForwarded(answered: true);
            return new OwnerAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), content);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Forwarding {Method} for connection {ConnectionId} to node {Node} at {Url} failed", http.Request.Method, connectionId, owner, url);
            return Unreachable(connectionId, ex is OperationCanceledException ? $"it did not answer within {_timeout.TotalSeconds:0.###} s" : "it could not be reached");
        }
    }

    public void Dispose() => _http.Dispose();

    private static IResult BetweenOwners(string connectionId) => new RetryLater(TypedResults.Problem(
        title: "Connection between gateway nodes",
        detail: $"No gateway node holds connection '{connectionId}' this instant: it is being taken over, or its node is taking it back after " +
            "the shared store was unavailable. Nothing was done; send the request again in a moment.",
        statusCode: StatusCodes.Status503ServiceUnavailable));

    private IResult Unreachable(string connectionId, string why)
    {
        metrics.RequestForwarded(answered: false);
        return new RetryLater(TypedResults.Problem(
            title: "Connection's gateway node unreachable",
            detail: $"Connection '{connectionId}' is held by another gateway node, and {why}. A request is carried out whole or not at all, never in part; " +
                "send it again in a moment (if repeating a message would matter, look at the event stream first to see whether it went out).",
            statusCode: StatusCodes.Status503ServiceUnavailable));
    }

    /// <summary>The owner's status, content type and body, written as they are.</summary>
    private sealed class OwnerAnswer(int status, string? contentType, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (contentType is not null) httpContext.Response.ContentType = contentType;
            return body.Length == 0 ? Task.CompletedTask : httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }

    private sealed class RetryLater(IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return problem.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>Puts <see cref="OwnerForwarding"/> in front of an endpoint about one connection, in Redis mode only.</summary>
public static class OwnerForwardingFilter
{
    public static RouteHandlerBuilder WithOwnerForwarding(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilterFactory(static (factory, next) =>
        {
            // Chosen once, as the endpoint is built: a gateway without Redis has no other node to forward to.
            if (factory.ApplicationServices.GetService<OwnerForwarding>() is not { } forwarding) return next;
            var bodyIndex = factory.MethodInfo.GetParameters().ToList().FindIndex(p => p.ParameterType == typeof(LinesRequest));
            return async context =>
            {
                var id = (string)context.HttpContext.GetRouteValue("id")!;
                var body = bodyIndex >= 0 ? context.Arguments[bodyIndex] : null;
                return await forwarding.ForwardIfElsewhereAsync(context.HttpContext, id, body).ConfigureAwait(false) ?? await next(context).ConfigureAwait(false);
            };
        });
}

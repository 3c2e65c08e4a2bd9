using System.Text.Json;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.State;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Sends a request about a connection another node owns (POST lines, DELETE) to that node, and answers with exactly
/// what it answered. The owner is the node whose token is in the connection's lease, reached at the address it
/// announces; the forwarded request carries the user's cookie (so the owner finds the same session) and
/// <see cref="ForwardedRequest.Header"/> (so the owner answers it itself and never makes a new session for it). If the owner does not
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
    ILogger<OwnerForwarding> logger,
    IRebuildWindow? rebuild = null) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly TimeSpan _timeout = options.Value.Redis.ForwardTimeout;

    /// <summary>
    /// Where the request is answered: here (this node holds the connection, or the request was forwarded to it
    /// already, or the session does not hold the connection, or nobody holds it any more), or by the node that holds it.
    /// </summary>
    public async ValueTask<ConnectionPlace> LocateAsync(HttpContext http, string connectionId)
    {
        if (owned.Find(connectionId) is { } connection) return ConnectionPlace.Here(connection);
        if (ForwardedRequest.Is(http) || !await http.GetSession().HoldsAsync(connectionId, http.RequestAborted).ConfigureAwait(false)) return ConnectionPlace.Nowhere;
        // One round trip for who owns it and where that node is.
        var found = await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.OwnerFind, [keys.Lease(connectionId)], [keys.NodePrefix]).ConfigureAwait(false);
        if (found.IsNull)
        {
            // Nobody holds it this instant, but it is not closed: it is being taken over, or its owner takes its lease
            // back now that Redis answers again. Answering "not open" would be untrue; the request waits for neither.
            if (!await redis.GetDatabase().KeyExistsAsync(keys.Connection(connectionId)).ConfigureAwait(false))
            {
                // Gone from a Redis that lost its data since the session was read: its owner puts it back.
                if (rebuild is not null && await rebuild.MayBeRebuildingAsync().ConfigureAwait(false)) throw new RedisRebuildingException();
                return ConnectionPlace.Nowhere;
            }
            return ConnectionPlace.Elsewhere(new BetweenOwners(connectionId));
        }
        var owner = (string)found[0]!;
        return owner == node.Id ? ConnectionPlace.Nowhere : ConnectionPlace.Elsewhere(new Owner(this, connectionId, owner, (string?)found[1]));
    }

    /// <summary>Sends the request to <paramref name="owner"/> at <paramref name="url"/>, and answers with what it answered.</summary>
    private async Task<IResult> ForwardAsync(HttpContext http, object? body, string connectionId, string owner, string? url)
    {
        if (url is null) return Unreachable(connectionId, "it is not announcing an address");
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), url + http.Request.Path + http.Request.QueryString);
        request.Headers.Host = http.Request.Host.Value;
        request.Headers.Add(ForwardedRequest.Header, node.Id);
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
            return new OwnerAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), response.Headers.RetryAfter?.ToString(), content);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Forwarding {Method} for connection {ConnectionId} to node {Node} at {Url} failed", http.Request.Method, connectionId, owner, url);
            return Unreachable(connectionId, ex is OperationCanceledException ? $"it did not answer within {_timeout.TotalSeconds:0.###} s" : "it could not be reached");
        }
    }

    /// <summary>The node that holds a connection, as the lease names it.</summary>
    private sealed class Owner(OwnerForwarding forwarding, string connectionId, string node, string? url) : IRemoteOwner
    {
        public Task<IResult> ForwardAsync(HttpContext http, object? body) => forwarding.ForwardAsync(http, body, connectionId, node, url);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A connection no node holds this instant, though it is not closed: the request is answered "try again shortly", not carried out.</summary>
    private sealed class BetweenOwners(string connectionId) : IRemoteOwner
    {
        public Task<IResult> ForwardAsync(HttpContext http, object? body) => Task.FromResult<IResult>(new RetryLater(TypedResults.Problem(
            title: "Connection between gateway nodes",
            detail: $"No gateway node holds connection '{connectionId}' this instant: it is being taken over, or its node is taking it back after " +
                "the shared store was unavailable. Nothing was done; send the request again in a moment.",
            statusCode: StatusCodes.Status503ServiceUnavailable)));
    }

    private IResult Unreachable(string connectionId, string why)
    {
        metrics.RequestForwarded(answered: false);
        return new RetryLater(TypedResults.Problem(
            title: "Connection's gateway node unreachable",
            detail: $"Connection '{connectionId}' is held by another gateway node, and {why}. A request is carried out whole or not at all, never in part; " +
                "send it again in a moment (if repeating a message would matter, look at the event stream first to see whether it went out).",
            statusCode: StatusCodes.Status503ServiceUnavailable));
    }

    /// <summary>
    /// The owner's status, content type, Retry-After and body, written as they are: a 503 of the owner's (it could not
    /// confirm its hold, Redis failed it) says when to try again here too (a forwarded POST 503 had lost it in the fault test).
    /// </summary>
    private sealed class OwnerAnswer(int status, string? contentType, string? retryAfter, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (contentType is not null) httpContext.Response.ContentType = contentType;
            if (retryAfter is not null) httpContext.Response.Headers.RetryAfter = retryAfter;
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

using System.Globalization;
using System.Net.Http.Json;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Http;
using IrcStream.Domain.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Admin;

/// <summary>
/// The admin view in Redis mode: every node's connections, listed from their records in Redis (where the node that
/// opens one also notes its client address and creation time), and closed by the node that holds them: a close asked
/// of another node is forwarded to the holder over HTTP with the same admin key, as <see cref="OwnerForwarding"/>
/// forwards a user's requests, and answered with the holder's answer. Ending a session deletes its record at once (no
/// node serves the cookie any more) and closes each of its connections the same way.
/// </summary>
internal sealed class RedisAdminConnections(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    OwnedConnections owned,
    RedisConnectionDirectory directory,
    AdminCloser closer,
    IOptions<IrcStreamOptions> options,
    ILogger<RedisAdminConnections> logger) : IAdminConnections, IDisposable
{
    private readonly IDatabase _db = redis.GetDatabase();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    public Task RecordAsync(IIrcConnection connection, ConnectionFacts facts) =>
        directory.AdmittedAsync(connection.Options.ConnectionId, facts.ClientAddress, facts.Created);

    public async Task<IReadOnlyList<AdminConnection>> ListAsync(CancellationToken cancellationToken)
    {
        var ids = (await _db.SetMembersAsync(keys.Connections).ConfigureAwait(false)).Select(m => (string)m!).ToArray();
        var batch = _db.CreateBatch();
        var reads = ids.Select(id => (Id: id, Record: batch.HashGetAllAsync(keys.Connection(id)), Lease: batch.StringGetAsync(keys.Lease(id)))).ToArray();
        batch.Execute();
        var listed = new List<AdminConnection>(ids.Length);
        foreach (var (id, recordRead, leaseRead) in reads)
        {
            if (ConnectionRecord.From(id, await recordRead.ConfigureAwait(false)) is not { SessionHash: { } session } record) continue;
            var holder = (string?)await leaseRead.ConfigureAwait(false) is { } token ? token.Split(':')[0] : null;
            // The holder's own view is fresher than its last heartbeat's record.
            if (owned.Find(id) is { } here)
            {
                listed.Add(LocalAdminConnections.Describe(here, new ConnectionFacts(session, record.ClientAddress, default), node.Id) with { Created = record.Created });
                continue;
            }
            var described = record.Describe(leased: holder is not null, lastSeq: 0);
            listed.Add(new AdminConnection(id, described.Nick, described.Server, described.Channels, record.ClientAddress, record.Created,
                holder is null ? "disconnected" : described.State, holder, session));
        }
        return listed;
    }

    public async Task<IResult?> CloseAsync(string connectionId, string reason, HttpContext http, bool hereOnly)
    {
        if (owned.Find(connectionId) is not null)
        {
            var session = ConnectionRecord.From(connectionId, await _db.HashGetAllAsync(keys.Connection(connectionId)).ConfigureAwait(false))?.SessionHash;
            if (session is not null) await _db.ScriptEvaluateAsync(RedisScripts.SessionRemoveConnection, [keys.SessionByHash(session)], [connectionId]).ConfigureAwait(false);
            if (await closer.CloseHereAsync(connectionId, reason).ConfigureAwait(false)) return null;
        }
        if (hereOnly) return AdminProblems.ConnectionNotFound(connectionId);
        var found = await _db.ScriptEvaluateAsync(RedisScripts.OwnerFind, [keys.Lease(connectionId)], [keys.NodePrefix]).ConfigureAwait(false);
        if (found.IsNull || (string)found[0]! == node.Id)
        {
            return await _db.KeyExistsAsync(keys.Connection(connectionId)).ConfigureAwait(false)
                ? AdminProblems.NobodyHolds(connectionId, options.Value.Redis.LeaseTimeout)
                : AdminProblems.ConnectionNotFound(connectionId);
        }
        var owner = (string)found[0]!;
        if ((string?)found[1] is not { } url) return AdminProblems.NodeUnreachable(connectionId, owner, "it is not announcing an address");
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{url}/admin/connections/{Uri.EscapeDataString(connectionId)}")
        {
            Content = JsonContent.Create(new CloseRequest(reason)),
        };
        request.Headers.TryAddWithoutValidation("Authorization", http.Request.Headers.Authorization.ToString());
        request.Headers.Add(ForwardedRequest.Header, node.Id);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(options.Value.Redis.ForwardTimeout);
        try
        {
            using var response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return null;
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return new ForwardedAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Forwarding an admin close of connection {ConnectionId} to node {Node} at {Url} failed", connectionId, owner, url);
            return AdminProblems.NodeUnreachable(connectionId, owner, ex is OperationCanceledException ? "it did not answer in time" : "it could not be reached");
        }
    }

    public async Task<int?> EndSessionAsync(string sessionHash, string reason, HttpContext http)
    {
        // Close the connections while the session still exists: ended first, its holders' next heartbeat would find it
        // gone and close them as expired, and the user would read "Session expired" instead of the operator's reason.
        var listed = await _db.HashGetAsync(keys.SessionByHash(sessionHash), "connections").ConfigureAwait(false);
        if (listed.IsNull && !await _db.KeyExistsAsync(keys.SessionByHash(sessionHash)).ConfigureAwait(false)) return null;
        var closed = await CloseEachAsync(IdsIn(listed), reason, http).ConfigureAwait(false);
        var ended = await _db.ScriptEvaluateAsync(RedisScripts.SessionEnd, [keys.SessionByHash(sessionHash), keys.Sessions], [keys.SessionsFromPrefix]).ConfigureAwait(false);
        // Connections the session opened meanwhile are still listed in it.
        if (!ended.IsNull) closed += await CloseEachAsync(IdsIn((string?)ended), reason, http).ConfigureAwait(false);
        return closed;
    }

    private static string[] IdsIn(string? connections) => (connections ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private async Task<int> CloseEachAsync(string[] ids, string reason, HttpContext http)
    {
        var closed = 0;
        foreach (var id in ids)
        {
            // A holder that cannot be reached finds the session gone at its next heartbeat and closes the connection then.
            if (await CloseAsync(id, reason, http, hereOnly: false).ConfigureAwait(false) is null) closed++;
        }
        return closed;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The holder's status, content type and body, written as they are.</summary>
    private sealed class ForwardedAnswer(int status, string? contentType, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (contentType is not null) httpContext.Response.ContentType = contentType;
            return body.Length == 0 ? Task.CompletedTask : httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }
}

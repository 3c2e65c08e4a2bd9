using System.Net.Http.Json;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Asks the owner of a connection whose lease lapsed whether it still holds it, before another node takes it over. A
/// lapsed lease alone does not tell a dead owner from a live one that has not renewed yet: after Redis was away for
/// every node, the node that reaches Redis first sees every other node's leases gone, and an owner starved of CPU, or
/// whose client finds a failed-over primary a few seconds later, renews late. Timing cannot settle that; the owner can.
/// It answers (<see cref="ClusterNodesApi"/>) with the connections it still holds, and takes their leases back at its
/// next heartbeat that reaches Redis (<see cref="RedisConnectionDirectory.RenewAsync"/>). An owner that does not answer
/// (its process is gone, frozen, or cut off from this node) or no longer holds a connection leaves it to be taken over;
/// an owner cut off from Redis alone lets its connections go itself (<see cref="CutOffWatch"/>) and then answers that
/// it holds none, so its IRC sockets and the new owner's do not overlap.
/// </summary>
internal sealed class OwnerCheck(IConnectionMultiplexer redis, RedisKeys keys, GatewayNode node, PeerNodes peers, ILogger<OwnerCheck> logger, HttpMessageHandler? handler = null)
    : IDisposable
{
    /// <summary>How long an owner has to answer: a node alive answers in milliseconds; one that does not is taken as gone.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { UseCookies = false, ConnectTimeout = AskTimeout }) { Timeout = AskTimeout };

    /// <summary>
    /// Of <paramref name="orphans"/> (connections whose lease nobody holds), those no live owner says it still holds: the
    /// ones this node may claim, each with whether its owner answered (it is alive and let the connection go, as a node
    /// cut off from Redis does) or not (it is gone). Each owner named by a record is asked once, all at the same time.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, bool OwnerAlive)>> NotHeldAsync(IReadOnlyList<string> orphans, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var owners = orphans.Select(id => batch.HashGetAsync(keys.Connection(id), ConnectionRecord.OwnerField)).ToArray();
        batch.Execute();
        var byOwner = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var free = new List<(string, bool)>(orphans.Count);
        for (var i = 0; i < orphans.Count; i++)
        {
            var owner = (string?)await owners[i].ConfigureAwait(false);
            // No owner named, or this node itself (it let the connection go): nobody else to ask.
            if (owner is null) free.Add((orphans[i], false));
            else if (owner == node.Id) free.Add((orphans[i], true));
            else if (byOwner.TryGetValue(owner, out var ids)) ids.Add(orphans[i]);
            else byOwner[owner] = [orphans[i]];
        }
        var answers = await Task.WhenAll(byOwner.Select(async o => (Ids: o.Value, Held: await HeldByAsync(o.Key, o.Value, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        foreach (var (ids, held) in answers) free.AddRange(ids.Where(id => held?.Contains(id) != true).Select(id => (id, held is not null)));
        return free;
    }

    /// <summary>Which of <paramref name="ids"/> <paramref name="owner"/> says it holds; null when it cannot be asked or does not answer.</summary>
    private async Task<HashSet<string>?> HeldByAsync(string owner, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (peers.AddressOf(owner) is not { } url) return null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(url), ClusterNodesApi.HoldingPath(owner))) { Content = JsonContent.Create(ids) };
            request.Headers.Add(PeerNodes.ProofHeader, peers.Proof());
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            // 404: another process answers at that address now (the owner restarted with a new id): the owner is gone.
            if (!response.IsSuccessStatusCode) return null;
            var held = await response.Content.ReadFromJsonAsync<string[]>(cancellationToken).ConfigureAwait(false) ?? [];
            if (held.Length > 0) ClusterLogMessages.OwnerStillHolds(logger, owner, held.Length, ids.Count);
            return held.ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}

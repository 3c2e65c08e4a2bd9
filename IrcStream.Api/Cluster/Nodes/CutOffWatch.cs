using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Tells "Redis is away for everyone" from "this node alone is cut off from it" by asking the other nodes directly. While
/// Redis answers, it reads the other nodes' addresses (from their announcements, into <see cref="PeerNodes"/>). Once this
/// node's beats have gone unanswered for more than a second it asks each of them for <c>/healthz</c>, which is ready only
/// while that node reaches Redis; a node that asked this one which connections it holds (<see cref="OwnerCheck"/>, asked
/// only by a node that reaches Redis) counts as ready too. When Redis is away for every node, none is ready, and the
/// owners keep their IRC sockets and held events for as long as it takes (their leases are taken back when Redis
/// answers, <see cref="RedisConnectionDirectory.RenewAsync"/>).
/// When another node has been ready for <see cref="RedisReach.ReFenceGrace"/> while this one has had no answer for a lease
/// (<c>IrcStream:Redis:LeaseTimeout</c>) and a beat of it failed (<see cref="RedisReach.Unreachable"/>: a node starved of
/// CPU whose answers are only late is not cut off), this node is cut off alone: it lets every connection go, without
/// QUIT (<see cref="RedisConnectionDirectory.LetGoAll"/>), and the other nodes, which leave its connections to it while
/// it says it holds them (<see cref="OwnerCheck"/>), take them over.
/// </summary>
internal sealed class CutOffWatch(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    LiveNodes liveNodes,
    PeerNodes peers,
    RedisReach reach,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    TimeProvider time,
    ILogger<CutOffWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, ConnectTimeout = AskTimeout }) { Timeout = AskTimeout };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        long? othersReadySince = null;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var outage = reach.OutageFor;
            if (outage < Interval)
            {
                othersReadySince = null;
                await ReadAddressesAsync().ConfigureAwait(false);
                continue;
            }
            if (!await AnyOtherReadyAsync(stoppingToken).ConfigureAwait(false))
            {
                othersReadySince = null;
                continue;
            }
            othersReadySince ??= time.GetTimestamp();
            // Only a node whose beats failed is cut off: one whose answers are merely late (starved of CPU) is not.
            if (outage < leases.Duration || !reach.Unreachable || time.GetElapsedTime(othersReadySince.Value) < reach.ReFenceGrace) continue;
            var count = directory.LetGoAll();
            if (count > 0) ClusterLogMessages.CutOffAlone(logger, node.Id, outage.TotalSeconds, count);
        }
    }

    private async Task ReadAddressesAsync()
    {
        try
        {
            // Bounded: a Redis that stopped answering this instant must not hold up the question to the other nodes.
            var others = (await liveNodes.ListAsync().WaitAsync(AskTimeout).ConfigureAwait(false)).Where(n => n != node.Id).ToArray();
            var db = redis.GetDatabase();
            var urls = await Task.WhenAll(others.Select(n => db.StringGetAsync(keys.Node(n)))).WaitAsync(AskTimeout).ConfigureAwait(false);
            var announced = new List<(string Node, string Url)>(others.Length);
            for (var i = 0; i < others.Length; i++)
            {
                if ((string?)urls[i] is { } url) announced.Add((others[i], url));
            }
            peers.Announced(announced);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The addresses read last time serve until the next try.
        }
    }

    private async Task<bool> AnyOtherReadyAsync(CancellationToken cancellationToken)
    {
        if (peers.AskedWithin(Interval + AskTimeout)) return true;
        var asks = peers.Addresses.Select(async url =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(new Uri(url), "/healthz"), cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        });
        return (await Task.WhenAll(asks).ConfigureAwait(false)).Any(ready => ready);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

using System.Collections.Concurrent;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Tells "Redis is away for everyone" from "this node alone is cut off from it" by asking the other nodes directly. While
/// Redis answers, it keeps the other nodes' addresses (from their announcements). Once this node's beats have gone
/// unanswered for more than a second it asks each of them for <c>/healthz</c>, which is ready only while that node
/// reaches Redis. When Redis is away for every node, none is ready, and the owners keep their IRC sockets and held events
/// for as long as it takes (their leases are taken back when Redis answers, <see cref="RedisConnectionDirectory.RenewAsync"/>).
/// When another node has been ready for <see cref="RedisReach.ReFenceGrace"/> while this one has had no answer for a lease
/// (<c>IrcStream:Redis:LeaseTimeout</c>), this node is cut off alone: the other nodes take its connections over as their
/// leases expire, so it lets every one of them go, without QUIT, about when they do (<see cref="RedisConnectionDirectory.LetGoAll"/>).
/// </summary>
internal sealed class CutOffWatch(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    GatewayNode node,
    LiveNodes liveNodes,
    RedisReach reach,
    ConnectionLeases leases,
    RedisConnectionDirectory directory,
    TimeProvider time,
    ILogger<CutOffWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, ConnectTimeout = AskTimeout }) { Timeout = AskTimeout };
    private readonly ConcurrentDictionary<string, string> _peers = new(StringComparer.Ordinal);

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
            if (outage < leases.Duration || time.GetElapsedTime(othersReadySince.Value) < reach.ReFenceGrace) continue;
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
            _peers.Clear();
            for (var i = 0; i < others.Length; i++)
            {
                if ((string?)urls[i] is { } url) _peers[others[i]] = url;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The addresses read last time serve until the next try.
        }
    }

    private async Task<bool> AnyOtherReadyAsync(CancellationToken cancellationToken)
    {
        var asks = _peers.Values.Select(async url =>
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

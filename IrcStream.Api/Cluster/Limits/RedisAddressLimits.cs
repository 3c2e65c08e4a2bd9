using System.Collections.Concurrent;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Redis mode's per-address counts that every node shares, beside the sessions per address the session store counts:
/// new connections per rate window (<c>ConnectionRateLimit</c>) and open streams plus waiting polls
/// (<c>MaxStreamsPerAddress</c>). A stream's slot lives <see cref="SlotLifetime"/> in Redis and the node that holds it
/// renews it while the stream is open, so a node that crashes gives its slots back by itself.
/// </summary>
internal sealed class RedisAddressLimits(IConnectionMultiplexer redis, RedisKeys keys, GatewayNode node, IOptions<IrcStreamOptions> options, TimeProvider time, ILogger<RedisAddressLimits> logger)
    : IAddressLimits
{
    /// <summary>How long a stream's slot outlives its node's last renewal.</summary>
    public static readonly TimeSpan SlotLifetime = TimeSpan.FromSeconds(30);

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private long _slots;
    private long _renewed = time.GetTimestamp();

    public async ValueTask<RateDecision> TryConnectAsync(string address)
    {
        var limit = options.Value.ConnectionRateLimit;
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.AddressRate, [keys.ConnectionsFrom(address)],
            [limit.PermitLimit, (long)limit.Window.TotalMilliseconds]).ConfigureAwait(false))!;
        return (int)result[0] == 1 ? RateDecision.Allow : RateDecision.Refuse(TimeSpan.FromMilliseconds((long)result[1]));
    }

    public async ValueTask<IDisposable?> TryTakeStreamAsync(string address)
    {
        var member = $"{node.Id}:{Interlocked.Increment(ref _slots)}";
        var taken = (int)await _db.ScriptEvaluateAsync(RedisScripts.AddressStreamsTake, [keys.StreamsFrom(address)],
            [options.Value.MaxStreamsPerAddress, member, (long)SlotLifetime.TotalMilliseconds]).ConfigureAwait(false);
        if (taken == 0) return null;
        _held[member] = address;
        return new Slot(this, member, address);
    }

    /// <summary>Renews every slot this node holds, every third of <see cref="SlotLifetime"/> (the node's heartbeat calls it each beat).</summary>
    public async Task RenewAsync()
    {
        if (_held.IsEmpty || time.GetElapsedTime(Interlocked.Read(ref _renewed)) < SlotLifetime / 3) return;
        Interlocked.Exchange(ref _renewed, time.GetTimestamp());
        var batch = _db.CreateBatch();
        var renewals = _held.Select(h => batch.ScriptEvaluateAsync(RedisScripts.AddressStreamsRenew, [keys.StreamsFrom(h.Value)],
            [h.Key, (long)SlotLifetime.TotalMilliseconds])).ToArray();
        batch.Execute();
        await Task.WhenAll(renewals).ConfigureAwait(false);
    }

    private void Return(string member, string address)
    {
        if (!_held.TryRemove(member, out _)) return;
        _db.SortedSetRemoveAsync(keys.StreamsFrom(address), member).ContinueWith(
            t => logger.LogWarning(t.Exception, "Giving back a stream slot of {Address} in Redis failed; it expires within {Lifetime}", address, SlotLifetime),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private sealed class Slot(RedisAddressLimits limits, string member, string address) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) limits.Return(member, address);
        }
    }
}

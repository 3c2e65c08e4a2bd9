using System.Threading.RateLimiting;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.State;

/// <summary>
/// The per-address counts of a gateway that runs alone, in its memory: a fixed window of new connections per address
/// (ASP.NET Core's limiter, which drops the windows of addresses gone idle), and a count of open streams and waiting
/// polls per address under one lock.
/// </summary>
internal sealed class MemoryAddressLimits : IAddressLimits, IDisposable
{
    private readonly IOptions<IrcStreamOptions> _options;
    private readonly PartitionedRateLimiter<string> _connections;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _streams = new(StringComparer.Ordinal);

    public MemoryAddressLimits(IOptions<IrcStreamOptions> options)
    {
        _options = options;
        var limit = options.Value.ConnectionRateLimit;
        _connections = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        }));
    }

    public ValueTask<RateDecision> TryConnectAsync(string address)
    {
        using var lease = _connections.AttemptAcquire(address);
        return ValueTask.FromResult(lease.IsAcquired ? RateDecision.Allow
            : RateDecision.Refuse(lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null));
    }

    public ValueTask<IDisposable?> TryTakeStreamAsync(string address)
    {
        lock (_gate)
        {
            var count = _streams.GetValueOrDefault(address);
            if (count >= _options.Value.MaxStreamsPerAddress) return ValueTask.FromResult<IDisposable?>(null);
            _streams[address] = count + 1;
        }
        return ValueTask.FromResult<IDisposable?>(new Slot(this, address));
    }

    private void Return(string address)
    {
        lock (_gate)
        {
            var count = _streams.GetValueOrDefault(address) - 1;
            if (count <= 0) _streams.Remove(address);
            else _streams[address] = count;
        }
    }

    public void Dispose() => _connections.Dispose();

    private sealed class Slot(MemoryAddressLimits limits, string address) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) limits.Return(address);
        }
    }
}

namespace IrcStream.Domain.Connections;

/// <summary>
/// A token bucket for outgoing user lines: <c>burst</c> lines may go at once, then one more per
/// <c>interval</c>, which is how servers count (and punish) a client's lines. Not thread-safe: the
/// <see cref="OutgoingQueue"/> calls it under its lock.
/// </summary>
internal sealed class FloodLimiter
{
    private readonly int _burst;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastRefill;

    public FloodLimiter(int burst, TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _burst = burst;
        _interval = interval;
        _time = time;
        _tokens = burst;
        _lastRefill = time.GetTimestamp();
    }

    /// <summary>Takes one line's token when there is one; otherwise says how long until there is.</summary>
    public bool TryTake(out TimeSpan wait)
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            wait = TimeSpan.Zero;
            return true;
        }
        wait = _interval * (1 - _tokens);
        // A rounding remainder must not turn into a zero wait and a busy loop.
        if (wait < TimeSpan.FromMilliseconds(1)) wait = TimeSpan.FromMilliseconds(1);
        return false;
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        if (_interval <= TimeSpan.Zero)
        {
            _tokens = _burst;
        }
        else
        {
            var elapsed = _time.GetElapsedTime(_lastRefill, now);
            _tokens = Math.Min(_burst, _tokens + elapsed / _interval);
        }
        _lastRefill = now;
    }
}

namespace IrcStream.Domain.Connections;

/// <summary>
/// A token bucket for outgoing user lines: <c>burst</c> lines may go at once, then one more per
/// <c>interval</c>, which is how servers count (and punish) a client's lines. Not thread-safe: only the
/// <see cref="OutgoingQueue"/>'s one reader, the writer loop, calls it.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c>: that one refills on its own timer (or when
/// told to) and reads no <see cref="TimeProvider"/>, so its pacing could only be tested with real waits; this one
/// is paced by the connection's clock, which a test moves by hand.
/// </remarks>
internal sealed class FloodLimiter
{
    private readonly TimeSpan _interval;
    /// <summary>How far ahead of the next line's own slot a line may go: the burst, less the line itself.</summary>
    private readonly TimeSpan _burstAhead;
    private readonly TimeProvider _time;
    private readonly long _start;
    /// <summary>The slot of the next line, as time since <see cref="_start"/>; whole ticks, so a wait ends exactly on it.</summary>
    private TimeSpan _nextSlot;

    public FloodLimiter(int burst, TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _interval = interval;
        _burstAhead = TimeSpan.FromTicks(interval.Ticks * (burst - 1));
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>Takes one line's token when there is one; otherwise says how long until there is.</summary>
    public bool TryTake(out TimeSpan wait)
    {
        var now = _time.GetElapsedTime(_start);
        var earliest = _nextSlot - _burstAhead;
        if (now < earliest)
        {
            wait = earliest - now;
            return false;
        }
        // A quiet spell gives back at most the burst: the slots start again from now.
        _nextSlot = (now > _nextSlot ? now : _nextSlot) + _interval;
        wait = TimeSpan.Zero;
        return true;
    }
}

namespace IrcStream.Domain.Connections;

/// <summary>
/// How long a connection waits before its next attempt: the first wait after a failure is exactly the configured
/// delay (the seed's behaviour); each further failure in a row doubles it, with ±20 % jitter so that many
/// connections dropped by one server outage do not all come back in the same second, capped at the maximum.
/// A successful registration resets it. Not thread-safe: only the connection's run loop uses it.
/// </summary>
internal sealed class ReconnectBackoff
{
    private const double Jitter = 0.2;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _failures;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, TimeSpan.Zero);
        _initial = initial;
        _max = max < initial ? initial : max;
        _random = random ?? Random.Shared;
    }

    /// <summary>Failures in a row since the last reset.</summary>
    public int Failures => _failures;

    /// <summary>Counts one more failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        _failures++;
        if (_failures == 1) return _initial;
        // 2^(failures-1) grows past any cap long before it overflows a double.
        var grown = _initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures - 1, 30));
        var jittered = grown * (1 + Jitter * (2 * _random.NextDouble() - 1));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _max.TotalMilliseconds));
    }

    /// <summary>The connection worked: the next failure waits the initial delay again.</summary>
    public void Reset() => _failures = 0;
}

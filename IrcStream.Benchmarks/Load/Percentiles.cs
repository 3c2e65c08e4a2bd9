namespace IrcStream.Benchmarks.Load;

/// <summary>Order statistics of the harness: nearest-rank percentiles and the min/median/max of runs.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="percent"/>th percentile of <paramref name="sorted"/> (ascending, not empty).</summary>
    public static double Of(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty) throw new ArgumentException("No values.", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>The median: the middle value, or the mean of the two middle values of an even count.</summary>
    public static double Median(ReadOnlySpan<double> sorted) =>
        sorted.IsEmpty ? throw new ArgumentException("No values.", nameof(sorted))
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

/// <summary>
/// Latencies from many reader tasks at once into one preallocated array, so recording a sample neither locks
/// nor allocates; samples beyond the capacity are counted, not kept.
/// </summary>
public sealed class LatencyRecorder(int capacity)
{
    private readonly double[] _milliseconds = new double[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _milliseconds.Length);

    public int Overflow => Math.Max(0, Volatile.Read(ref _count) - _milliseconds.Length);

    public void Add(double milliseconds)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _milliseconds.Length) _milliseconds[index] = milliseconds;
    }

    /// <summary>The recorded samples, sorted; call once recording has stopped.</summary>
    public double[] Sorted()
    {
        var samples = _milliseconds.AsSpan(0, Count).ToArray();
        Array.Sort(samples);
        return samples;
    }
}

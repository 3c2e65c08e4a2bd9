using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace IrcStream.Tests.Diagnostics;

/// <summary>
/// What one gateway host records on its <c>IrcStream</c> meter, read through its own <see cref="IMeterFactory"/>: no
/// other host in the process (tests run in parallel) moves these values.
/// </summary>
public sealed class HostMetrics : IDisposable
{
    private static readonly string[] Counters =
    [
        "ircstream.events.received", "ircstream.lines.sent", "ircstream.reconnects", "ircstream.sse.streams", "ircstream.polls.waiting",
        "ircstream.events.delivered", "ircstream.gaps", "ircstream.lines.refused",
    ];

    private static readonly string[] Gauges = ["ircstream.sessions", "ircstream.connections"];

    private readonly Dictionary<string, MetricCollector<long>> _counters;
    private readonly Dictionary<string, MetricCollector<int>> _gauges;

    public HostMetrics(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _counters = Counters.ToDictionary(name => name, name => new MetricCollector<long>(factory, GatewayMetrics.MeterName, name));
        _gauges = Gauges.ToDictionary(name => name, name => new MetricCollector<int>(factory, GatewayMetrics.MeterName, name));
    }

    /// <summary>The sum of what a counter (or up-down counter) recorded with every given tag since this was made.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        _counters[instrument].GetMeasurementSnapshot().Where(m => HasTags(m.Tags, tags)).Sum(m => m.Value);

    /// <summary>A gauge read now, summed over its series with every given tag.</summary>
    public int Gauge(string instrument, params (string Key, string Value)[] tags)
    {
        var collector = _gauges[instrument];
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().Where(m => HasTags(m.Tags, tags)).Sum(m => m.Value);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (a stream's end is counted a moment after the client leaves), at most 20 s.</summary>
    public async Task UntilAsync(string what, Func<HostMetrics, bool> condition)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition(this))
        {
            if (patience.IsCancellationRequested) throw new TimeoutException($"The host's metrics never showed {what} within 20 s.");
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public void Dispose()
    {
        foreach (var collector in _counters.Values) collector.Dispose();
        foreach (var collector in _gauges.Values) collector.Dispose();
    }

    private static bool HasTags(IReadOnlyDictionary<string, object?> measured, (string Key, string Value)[] tags) =>
        tags.All(t => measured.TryGetValue(t.Key, out var value) && Equals(value?.ToString(), t.Value));
}

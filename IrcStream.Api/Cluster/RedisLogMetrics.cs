using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The Redis event log's instruments on the <c>IrcStream</c> meter, from the host's <see cref="IMeterFactory"/>:
/// round-trip time, failed appends, events lost to a gap.
/// </summary>
internal sealed class RedisLogMetrics
{
    private readonly Histogram<double> _roundTrip;
    private readonly Counter<long> _appendsFailed;
    private readonly Counter<long> _eventsLost;

    public RedisLogMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _roundTrip = meter.CreateHistogram<double>(
            "ircstream.redis.round_trip", "s", "Time from sending a command to Redis to its answer (event log appends and reads), by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _appendsFailed = meter.CreateCounter<long>(
            "ircstream.redis.appends_failed", "{append}", "Event log appends that failed (Redis slow or away); their events stay held in memory and are tried again.");
        _eventsLost = meter.CreateCounter<long>(
            "ircstream.redis.events_lost", "{event}", "Events that left the in-memory hold before Redis took them; readers get a gap over them.");
    }

    public static long Start() => Stopwatch.GetTimestamp();

    public void Measured(string operation, long started) =>
        _roundTrip.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public void AppendFailed() => _appendsFailed.Add(1);

    public void Lost(long events) => _eventsLost.Add(events);
}

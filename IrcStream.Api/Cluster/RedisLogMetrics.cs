using System.Diagnostics;
using System.Diagnostics.Metrics;
using IrcStream.Domain.Diagnostics;

namespace IrcStream.Api.Cluster;

/// <summary>The Redis event log's instruments on the <c>IrcStream</c> meter: round-trip time, failed appends, events lost to a gap.</summary>
internal static class RedisLogMetrics
{
    private static readonly Meter Meter = new(GatewayMetrics.MeterName);

    private static readonly Histogram<double> RoundTrip = Meter.CreateHistogram<double>(
        "ircstream.redis.round_trip", "s", "Time from sending a command to Redis to its answer (event log appends and reads), by operation.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    private static readonly Counter<long> AppendsFailed = Meter.CreateCounter<long>(
        "ircstream.redis.appends_failed", "{append}", "Event log appends that failed (Redis slow or away); their events stay held in memory and are tried again.");

    private static readonly Counter<long> EventsLost = Meter.CreateCounter<long>(
        "ircstream.redis.events_lost", "{event}", "Events that left the in-memory hold before Redis took them; readers get a gap over them.");

    public static long Start() => Stopwatch.GetTimestamp();

    public static void Measured(string operation, long started) =>
        RoundTrip.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public static void AppendFailed() => AppendsFailed.Add(1);

    public static void Lost(long events) => EventsLost.Add(events);
}

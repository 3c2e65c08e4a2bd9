using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

/// <summary>
/// Reads a log's stored JSON back into events, so tests can check what a browser would get with typed values.
/// Only tests parse the JSON again; the gateway sends the stored bytes as they are.
/// </summary>
public static class EventDecoding
{
    /// <summary>The retained events after <paramref name="after"/> (a gap first when some are gone), decoded.</summary>
    public static IReadOnlyList<GatewayEvent> ReadDecodedAfter(this IEventLog log, long after, int max = int.MaxValue) =>
        log.InMemory().ReadAfter(after, max).Select(Decode).ToArray();

    /// <summary>The in-memory log behind a connection's <see cref="IEventLog"/>: what these tests read without registering a reader.</summary>
    public static EventLog InMemory(this IEventLog log) =>
        log as EventLog ?? throw new ArgumentException($"The tests read an in-memory EventLog; this is a {log.GetType().Name}.", nameof(log));

    public static GatewayEvent Decode(this StoredEvent stored)
    {
        using var document = JsonDocument.Parse(stored.Json);
        var root = document.RootElement;
        root.GetProperty("seq").GetInt64().Should().Be(stored.Seq, "the JSON carries the stored event's seq");
        root.GetProperty("type").GetString().Should().Be(stored.Type, "the JSON carries the stored event's type");
        var time = DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        GatewayEvent decoded = stored.Type switch
        {
            EventTypes.Message => new MessageEvent(
                new IrcMessage(
                    root.GetProperty("tags").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString()!),
                    root.GetProperty("source").GetString(),
                    root.GetProperty("command").GetString()!,
                    root.GetProperty("params").EnumerateArray().Select(p => p.GetString()!).ToArray()),
                time),
            EventTypes.Status => new StatusEvent(root.GetProperty("status").GetString()!, root.GetProperty("detail").GetString(), time),
            EventTypes.Gap => new GapEvent(root.GetProperty("from").GetInt64(), root.GetProperty("to").GetInt64(), time),
            _ => throw new InvalidOperationException($"Unknown event type '{stored.Type}'."),
        };
        decoded.Seq = stored.Seq;
        return decoded;
    }
}

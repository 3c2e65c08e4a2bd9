namespace IrcStream.Domain.Events;

/// <summary>
/// An event as it is retained and sent: its seq, its contract type and its JSON (the contract's event object in
/// UTF-8, exactly what an SSE <c>data:</c> line and a poll array carry). Written once, when the event is appended,
/// so readers copy bytes and never serialise; the parsed message it came from is not kept.
/// </summary>
/// <remarks>
/// A view, not an object of its own: an <see cref="EventLog"/> keeps the JSON of many events packed in shared byte
/// segments (<see cref="EventSegments"/>), and a read hands out slices of them. The bytes under a slice never change
/// (segments are only appended to), so a view stays valid after the log has let its segment go.
/// </remarks>
public readonly struct StoredEvent
{
    /// <param name="seq">The event's seq, the same as the <c>seq</c> inside <paramref name="json"/>.</param>
    /// <param name="type">The contract's event type (<see cref="EventTypes"/>).</param>
    /// <param name="json">The event object's UTF-8 JSON; kept as given, not copied.</param>
    public StoredEvent(long seq, string type, ReadOnlyMemory<byte> json)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        ArgumentException.ThrowIfNullOrEmpty(type);
        Seq = seq;
        Type = EventTypes.Intern(type);
        Json = json;
    }

    public long Seq { get; }

    /// <summary>The contract's event type: <c>message</c>, <c>status</c> or <c>gap</c>.</summary>
    public string Type { get; }

    /// <summary>The event object's UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>What the event costs in a log: its JSON, packed in a segment, and its entry in the log's index.</summary>
    public int RetainedBytes => Json.Length + EventSegments.EntryBytes;

    /// <summary>Serialises <paramref name="gatewayEvent"/> (its seq already given) into an array of its own.</summary>
    public static StoredEvent From(GatewayEvent gatewayEvent) =>
        new(gatewayEvent.Seq, gatewayEvent.Type, EventJson.Serialize(gatewayEvent));
}

namespace IrcStream.Domain.Events;

/// <summary>
/// An event as it is retained and sent: its seq, its contract type and its JSON (the contract's event object in
/// UTF-8, exactly what an SSE <c>data:</c> line and a poll array carry). Written once, when the event is appended,
/// so readers copy bytes and never serialise; the parsed message it came from is not kept.
/// </summary>
public sealed class StoredEvent
{
    private readonly byte[] _json;

    /// <param name="seq">The event's seq, the same as the <c>seq</c> inside <paramref name="json"/>.</param>
    /// <param name="type">The contract's event type (<see cref="EventTypes"/>).</param>
    /// <param name="json">The event object's UTF-8 JSON; kept as given, not copied.</param>
    public StoredEvent(long seq, string type, byte[] json)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(json);
        Seq = seq;
        Type = EventTypes.Intern(type);
        _json = json;
    }

    public long Seq { get; }

    /// <summary>The contract's event type: <c>message</c>, <c>status</c> or <c>gap</c>.</summary>
    public string Type { get; }

    /// <summary>The event object's UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <summary>What the event holds on the heap beyond the log's reference to it: this object and its JSON array.</summary>
    public int RetainedBytes => ObjectBytes + ArrayOverheadBytes + _json.Length;

    // A 64-bit object header and method table pointer plus three fields; an array's header with its length.
    private const int ObjectBytes = 16 + 8 + 8 + 8;
    private const int ArrayOverheadBytes = 24;

    /// <summary>Serialises <paramref name="gatewayEvent"/> (its seq already given) into its retained form.</summary>
    public static StoredEvent From(GatewayEvent gatewayEvent) =>
        new(gatewayEvent.Seq, gatewayEvent.Type, EventJson.Serialize(gatewayEvent));
}

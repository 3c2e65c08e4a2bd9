using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace IrcStream.Domain.Events;

/// <summary>The contract's event objects (message, status, gap) in JSON: one writer for SSE data, poll arrays and Redis.</summary>
public static class EventJson
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The event's JSON as a new array of exactly its length.</summary>
    public static byte[] Serialize(GatewayEvent gatewayEvent) => SerializeToScratch(gatewayEvent).ToArray();

    /// <summary>
    /// The event's JSON in this thread's scratch buffer, without an array of its own: valid only until the thread
    /// serialises again, so copy it before (as the log does into its segments).
    /// </summary>
    public static ReadOnlySpan<byte> SerializeToScratch(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        // A huge event (a 4 KB tag block) left a large buffer behind last time; do not keep it per thread.
        if (t_buffer is { Capacity: > 16 * 1024 }) t_buffer = null;
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(buffer);
        Write(writer, gatewayEvent);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>Writes the contract's object for <paramref name="gatewayEvent"/>, with the default (HTML-safe) escaping.</summary>
    public static void Write(Utf8JsonWriter writer, GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        writer.WriteStartObject();
        writer.WriteNumber("seq", gatewayEvent.Seq);
        writer.WriteString("type", gatewayEvent.Type);
        writer.WriteString("time", gatewayEvent.Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        switch (gatewayEvent)
        {
            case MessageEvent message:
                writer.WriteStartObject("tags");
                foreach (var (key, tagValue) in message.Message.Tags) writer.WriteString(key, tagValue);
                writer.WriteEndObject();
                writer.WriteString("source", message.Message.Source);
                writer.WriteString("command", message.Message.Command);
                writer.WriteStartArray("params");
                foreach (var parameter in message.Message.Params) writer.WriteStringValue(parameter);
                writer.WriteEndArray();
                break;
            case StatusEvent status:
                writer.WriteString("status", status.Status);
                writer.WriteString("detail", status.Detail);
                break;
            case GapEvent gap:
                writer.WriteNumber("from", gap.From);
                writer.WriteNumber("to", gap.To);
                break;
        }
        writer.WriteEndObject();
    }
}

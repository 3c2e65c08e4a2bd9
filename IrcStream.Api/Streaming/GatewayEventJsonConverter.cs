using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Streaming;

/// <summary>Writes the contract's event objects (message, status, gap); the same JSON for SSE data and poll.</summary>
internal sealed class GatewayEventJsonConverter : JsonConverter<GatewayEvent>
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override bool CanConvert(Type typeToConvert) => typeof(GatewayEvent).IsAssignableFrom(typeToConvert);

    public override GatewayEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Gateway events are only ever written.");

    public override void Write(Utf8JsonWriter writer, GatewayEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", value.Seq);
        writer.WriteString("type", value.Type);
        writer.WriteString("time", value.Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        switch (value)
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

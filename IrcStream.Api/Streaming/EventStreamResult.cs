using System.Buffers;
using System.Net.ServerSentEvents;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace IrcStream.Api.Streaming;

/// <summary>
/// Writes <see cref="EventStream"/>'s items as Server-Sent Events with <see cref="SseFormatter"/> (the framing of
/// <c>TypedResults.ServerSentEvents</c>), but decides itself when to flush: each event's JSON is serialised once,
/// straight into the formatter's buffer (no string per event), and the events that are ready together (a replay,
/// a burst) go out with one flush instead of one each.
/// </summary>
internal sealed class EventStreamResult(IAsyncEnumerable<StreamItem> items, JsonSerializerOptions json)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string EventStreamType = "text/event-stream";

    /// <summary>Flush at least this often while events keep coming, so a long backlog streams rather than piling up in memory.</summary>
    private const int MaxUnflushedBytes = 32 * 1024;

    private static readonly byte[] KeepAliveData = "{}"u8.ToArray();

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => EventStreamType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = EventStreamType;
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        var aborted = httpContext.RequestAborted;
        var body = new UnflushedPipeStream(response.BodyWriter);
        var jsonWriter = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true });
        try
        {
            await SseFormatter.WriteAsync(FlushWhenIdle(items, body, aborted), body, (item, buffer) => WriteData(item.Data, buffer, jsonWriter, json), aborted);
            await body.FlushPipeAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await jsonWriter.DisposeAsync();
        }
    }

    /// <summary>
    /// The items as <see cref="SseItem{T}"/>s. The formatter writes an item before it asks for the next one, so
    /// when the next is not ready yet, everything before it is in the pipe: that is the moment to flush.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<StreamItem>> FlushWhenIdle(
        IAsyncEnumerable<StreamItem> items, UnflushedPipeStream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = items.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = enumerator.MoveNextAsync();
            if (body.UnflushedBytes > 0 && (!next.IsCompleted || body.UnflushedBytes >= MaxUnflushedBytes))
            {
                await body.FlushPipeAsync(cancellationToken);
            }
            if (!await next) yield break;
            yield return ToSseItem(enumerator.Current);
        }
    }

    private static SseItem<StreamItem> ToSseItem(StreamItem item) =>
        new(item, item.Event?.Type ?? EventStream.KeepAliveType)
        {
            EventId = item.Event?.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ReconnectionInterval = item.ReconnectionInterval,
        };

    /// <summary>The <c>data</c> of one event: its JSON, or <c>{}</c> for a keepalive.</summary>
    private static void WriteData(StreamItem item, IBufferWriter<byte> buffer, Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        if (item.Event is not { } gatewayEvent)
        {
            buffer.Write(KeepAliveData);
            return;
        }
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, gatewayEvent, options);
        writer.Flush();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [EventStreamType]));
}

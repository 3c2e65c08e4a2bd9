using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using IrcStream.Domain.Events;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace IrcStream.Api.Streaming;

/// <summary>
/// Writes <see cref="EventStream"/>'s items as Server-Sent Events straight into the response's pipe: each
/// event's JSON is serialised once, into the pipe (no string per event), and the events that are ready
/// together (a replay, a burst) go out with one flush instead of one flush each. The wire format, headers and
/// JSON are those of <c>TypedResults.ServerSentEvents</c>.
/// </summary>
internal sealed class EventStreamResult(IAsyncEnumerable<StreamItem> items, JsonSerializerOptions json)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string EventStreamType = "text/event-stream";

    /// <summary>Flush at least this often while events keep coming, so a long backlog streams rather than piling up in memory.</summary>
    private const int MaxUnflushedBytes = 32 * 1024;

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

        var pipe = response.BodyWriter;
        var aborted = httpContext.RequestAborted;
        await using var writer = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = json.Encoder, SkipValidation = true });
        await using var enumerator = items.GetAsyncEnumerator(aborted);
        try
        {
            long unflushed = 0;
            while (true)
            {
                var next = enumerator.MoveNextAsync();
                // Flush only when the next item is not ready yet (or much is waiting): what was ready goes out together.
                if (unflushed > 0 && (!next.IsCompleted || unflushed >= MaxUnflushedBytes))
                {
                    await pipe.FlushAsync(aborted);
                    unflushed = 0;
                }
                if (!await next) break;
                unflushed += Write(pipe, writer, enumerator.Current);
            }
            if (unflushed > 0) await pipe.FlushAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>One SSE event: <c>event</c>, <c>data</c> (the event's JSON, or <c>{}</c> for a keepalive), <c>id</c>, <c>retry</c>.</summary>
    private long Write(IBufferWriter<byte> pipe, Utf8JsonWriter writer, StreamItem item)
    {
        long written = 0;
        written += Ascii(pipe, "event: ");
        written += Ascii(pipe, item.Event?.Type ?? EventStream.KeepAliveType);
        written += Ascii(pipe, "\ndata: ");
        if (item.Event is { } gatewayEvent)
        {
            writer.Reset(pipe);
            JsonSerializer.Serialize(writer, gatewayEvent, json);
            writer.Flush();
            written += writer.BytesCommitted;
            written += Ascii(pipe, "\nid: ");
            written += Number(pipe, gatewayEvent.Seq);
        }
        else
        {
            written += Ascii(pipe, EventStream.KeepAliveData);
        }
        written += Ascii(pipe, "\n");
        if (item.ReconnectionInterval is { } retry)
        {
            written += Ascii(pipe, "retry: ");
            written += Number(pipe, (long)retry.TotalMilliseconds);
            written += Ascii(pipe, "\n");
        }
        written += Ascii(pipe, "\n");
        return written;
    }

    private static int Ascii(IBufferWriter<byte> pipe, string text)
    {
        var span = pipe.GetSpan(text.Length);
        var length = Encoding.ASCII.GetBytes(text, span);
        pipe.Advance(length);
        return length;
    }

    private static int Number(IBufferWriter<byte> pipe, long value)
    {
        var span = pipe.GetSpan(20);
        value.TryFormat(span, out var length, provider: CultureInfo.InvariantCulture);
        pipe.Advance(length);
        return length;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [EventStreamType]));
}

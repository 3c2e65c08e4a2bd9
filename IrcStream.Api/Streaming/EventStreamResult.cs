using System.Buffers;
using System.Net.ServerSentEvents;
using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace IrcStream.Api.Streaming;

/// <summary>
/// Writes <see cref="EventStream"/>'s items as Server-Sent Events with <see cref="SseFormatter"/> (the framing of
/// <c>TypedResults.ServerSentEvents</c>), but decides itself when to flush: each event's JSON is the log's stored
/// bytes, copied as they are (no serialisation per reader), the events that are ready together (a replay,
/// a burst) go out with one flush instead of one each, and a stream waiting for events holds no write buffer.
/// </summary>
internal sealed class EventStreamResult(IAsyncEnumerable<StreamItem> items)
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
        var enumerator = items.GetAsyncEnumerator(aborted);
        var ready = new ReadyItems(enumerator, body);
        try
        {
            // One formatter run per batch of ready events: its buffers are rented while it writes and returned
            // before the stream waits again, so an idle stream holds none of them.
            while (await ready.WaitAsync())
            {
                await SseFormatter.WriteAsync(ready.TakeBatch(), body, (item, buffer) => WriteData(item.Data, buffer), aborted);
                await body.FlushPipeAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (response.HasStarted && !aborted.IsCancellationRequested)
        {
            // The events could not be read on (in Redis mode: Redis went away). Before the response started this was a
            // 503 problem+json like any request's; now the answer is under way, so the stream ends, said once here,
            // and the browser resumes from its last event. Thrown on, it would be logged twice and cut the socket.
            EventStreamLogMessages.EndedEarly(httpContext.RequestServices.GetRequiredService<ILogger<EventStreamResult>>(), httpContext.Request.Path, ex.GetType().Name, ex.Message);
        }
        finally
        {
            // An async iterator may not be disposed while a MoveNextAsync of it still runs (NotSupportedException):
            // a batch can end with the next item's wait under way, and a reader woken from another thread (Redis's
            // pub/sub) finishes it only after the abort. Let that wait end first; the aborted token ends it.
            await ready.SettleAsync();
            await enumerator.DisposeAsync();
        }
    }

    /// <summary>
    /// Cuts the stream's items into batches of what is ready together. A batch ends when the next item is not
    /// ready yet (that wait then belongs to <see cref="WaitAsync"/>), when the items end, or when
    /// <see cref="MaxUnflushedBytes"/> wait in the pipe, so a long backlog streams rather than piling up in memory.
    /// </summary>
    private sealed class ReadyItems(IAsyncEnumerator<StreamItem> items, UnflushedPipeStream body)
    {
        private ValueTask<bool>? _pending;
        private bool _ended;

        /// <summary>Waits for the first item of the next batch; false when the items have ended.</summary>
        public async ValueTask<bool> WaitAsync()
        {
            if (_ended) return false;
            if (_pending is { } pending)
            {
                _pending = null;
                return await pending;
            }
            return await items.MoveNextAsync();
        }

        /// <summary>Waits for the next item's wait that a batch left under way, if any, to end (cancelled, as a rule).</summary>
        public async ValueTask SettleAsync()
        {
            if (_pending is not { } pending) return;
            _pending = null;
            try
            {
                await pending;
            }
            catch (OperationCanceledException)
            {
                // The wait ended with the request: what it was for is gone.
            }
        }

        /// <summary>
        /// The current item, then every item that is ready without waiting. The formatter writes an item before
        /// it asks for the next, so <see cref="UnflushedPipeStream.UnflushedBytes"/> counts everything written so far.
        /// </summary>
        public async IAsyncEnumerable<SseItem<StreamItem>> TakeBatch()
        {
            yield return ToSseItem(items.Current);
            while (body.UnflushedBytes < MaxUnflushedBytes)
            {
                var next = items.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    _pending = next;
                    yield break;
                }
                if (!await next)
                {
                    _ended = true;
                    yield break;
                }
                yield return ToSseItem(items.Current);
            }
        }
    }

    private static SseItem<StreamItem> ToSseItem(StreamItem item) =>
        new(item, item.Event?.Type ?? EventStream.KeepAliveType)
        {
            EventId = item.Event?.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ReconnectionInterval = item.ReconnectionInterval,
        };

    /// <summary>The <c>data</c> of one event: its stored JSON, or <c>{}</c> for a keepalive.</summary>
    private static void WriteData(StreamItem item, IBufferWriter<byte> buffer) =>
        buffer.Write(item.Event is { } stored ? stored.Json.Span : KeepAliveData);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [EventStreamType]));
}

internal static partial class EventStreamLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Event stream {Path} ended early: its events could not be read on ({Error}: {Detail}); the browser resumes from its last event")]
    public static partial void EndedEarly(ILogger logger, string path, string error, string detail);
}

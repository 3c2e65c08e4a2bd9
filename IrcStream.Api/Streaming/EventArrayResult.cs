using System.Buffers;
using System.Reflection;
using IrcStream.Domain.Events;
using Microsoft.AspNetCore.Http.Metadata;

namespace IrcStream.Api.Streaming;

/// <summary>A poll's answer: a JSON array of the events' stored JSON, joined as they are (no serialisation per reader).</summary>
internal sealed class EventArrayResult(IReadOnlyList<StoredEvent> events)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string JsonType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonType;

    public IReadOnlyList<StoredEvent> Events => events;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonType;
        var length = 2L + Math.Max(0, events.Count - 1);
        foreach (var stored in events) length += stored.Json.Length;
        response.ContentLength = length;

        var body = response.BodyWriter;
        body.Write("["u8);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0) body.Write(","u8);
            body.Write(events[i].Json.Span);
        }
        body.Write("]"u8);
        await body.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(object[]), ["application/json"]));
}

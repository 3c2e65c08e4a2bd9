using System.Globalization;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.State;
using IrcStream.Domain.Events;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Streaming;

/// <summary>A connection's events: the SSE stream and the long-poll, with the same objects and the same gap rule.</summary>
public static class StreamingApi
{
    /// <summary>The longest a poll waits, whatever it asks for; also the ceiling of <c>LongPollTimeout</c>.</summary>
    public static readonly TimeSpan MaxPollTimeout = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddStreaming(this IServiceCollection services)
    {
        services.AddSingleton<AwayMarker>();
        services.AddSingleton<StreamLimits>();
        return services;
    }

    public static RouteGroupBuilder MapStreamingApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/connections")
            .WithTags("Streaming")
            .WithSession();

        group.MapGet("/{id}/events", Events);
        group.MapGet("/{id}/poll", Poll);
        return group;
    }

    internal static async Task<Results<EventStreamResult, ValidationProblem, ProblemHttpResult>> Events(
        string id,
        string? lastEventId,
        HttpContext http,
        IGatewayState state,
        IOptions<IrcStreamOptions> options,
        GatewayShutdown shutdown,
        StreamTelemetry telemetry,
        StreamLimits limits,
        TimeProvider time)
    {
        var session = http.GetSession();
        if (!await session.HoldsAsync(id, http.RequestAborted) || state.OpenEvents(id) is not { } source) return Problems.ConnectionNotFound(id);

        var resume = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        long after = 0;
        if (!string.IsNullOrEmpty(resume) && (!long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return Problems.Invalid(
                new() { ["lastEventId"] = [$"'{resume}' is not an event seq."] },
                "Bad resume position",
                "Last-Event-ID (or lastEventId) must be the seq of an event you received; leave it out to start from the oldest retained event.");
        }

        var (slot, refusal) = await limits.TryTakeAsync(id, session.Hash, ClientAddress.KeyOf(http));
        if (slot is null) return refusal!;

        var response = http.Response;
        response.RegisterForDispose(slot);
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, shutdown.StreamsEnd);
        var activity = session.BeginActivity();
        response.RegisterForDispose(stop);
        response.RegisterForDispose(activity);
        var items = EventStream.ReadAsync(source, after, options.Value.KeepAliveInterval, time, stop.Token);
        return new EventStreamResult(telemetry.Track(id, after, items));
    }

    internal static async Task<Results<EventArrayResult, ValidationProblem, ProblemHttpResult>> Poll(
        string id,
        long? since,
        double? timeout,
        HttpContext http,
        IGatewayState state,
        IOptions<IrcStreamOptions> options,
        StreamLimits limits,
        TimeProvider time,
        ApiMetrics metrics)
    {
        var session = http.GetSession();
        if (!await session.HoldsAsync(id, http.RequestAborted) || state.OpenEvents(id) is not { } source) return Problems.ConnectionNotFound(id);

        var errors = new Dictionary<string, string[]>();
        if (since < 0) errors["since"] = ["Give the seq of the last event you have, 0 or more."];
        if (timeout is < 0 or double.NaN or double.PositiveInfinity) errors["timeout"] = [$"Give how long to wait in seconds, 0 to {MaxPollTimeout.TotalSeconds}."];
        if (errors.Count > 0) return Problems.Invalid(errors, "Bad poll parameters", "Correct the query parameters listed in errors and poll again.");

        var after = since ?? 0;
        var wait = timeout is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, MaxPollTimeout.TotalSeconds)) : options.Value.LongPollTimeout;
        var batchSize = options.Value.PollBatchSize;

        var (events, completed) = await source.PollAsync(after, batchSize);
        if (events.Count > 0 || completed || wait <= TimeSpan.Zero) return new EventArrayResult(metrics.PollDelivered(events));

        // Only a poll that waits holds its socket open; one answered at once is not counted.
        var (slot, refusal) = await limits.TryTakeAsync(id, session.Hash, ClientAddress.KeyOf(http));
        if (slot is null) return refusal!;
        using var held = slot;
        using var activity = session.BeginActivity();
        using var waiting = metrics.PollWaiting();
        using var waited = new CancellationTokenSource(wait, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, waited.Token);
        try
        {
            await source.WaitForEventsAfterAsync(after, deadline.Token);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return new EventArrayResult([]);
        }
        return new EventArrayResult(metrics.PollDelivered((await source.PollAsync(after, batchSize)).Events));
    }
}

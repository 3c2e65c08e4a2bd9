using System.Runtime.CompilerServices;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Diagnostics;

/// <summary>Counts and logs an event stream from the moment its response starts until it ends, however it ends.</summary>
internal sealed class StreamTelemetry(ILogger<StreamTelemetry> logger, ApiMetrics metrics)
{
    public async IAsyncEnumerable<StreamItem> Track(
        string connectionId,
        long after,
        IAsyncEnumerable<StreamItem> items,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        metrics.StreamOpened();
        GatewayLogMessages.StreamOpened(logger, connectionId, after);
        long delivered = 0;
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                // Keepalives carry no event; every event, gaps included, does.
                if (item.Event is { } gatewayEvent)
                {
                    delivered++;
                    metrics.EventsDelivered(ApiMetrics.Sse, 1, gatewayEvent.Type == EventTypes.Gap ? 1 : 0);
                }
                yield return item;
            }
        }
        finally
        {
            metrics.StreamClosed();
            GatewayLogMessages.StreamClosed(logger, connectionId, delivered);
        }
    }
}

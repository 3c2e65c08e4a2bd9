using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Diagnostics;

/// <summary>Counts and logs an event stream from the moment its response starts until it ends, however it ends.</summary>
internal sealed class StreamTelemetry(ILogger<StreamTelemetry> logger)
{
    public async IAsyncEnumerable<SseItem<string>> Track(
        string connectionId,
        long after,
        IAsyncEnumerable<SseItem<string>> items,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ApiMetrics.StreamOpened();
        GatewayLog.StreamOpened(logger, connectionId, after);
        long delivered = 0;
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                // Keepalives carry no id; every event, gaps included, does.
                if (item.EventId is not null)
                {
                    delivered++;
                    ApiMetrics.EventsDelivered(ApiMetrics.Sse, 1, item.EventType == EventTypes.Gap ? 1 : 0);
                }
                yield return item;
            }
        }
        finally
        {
            ApiMetrics.StreamClosed();
            GatewayLog.StreamClosed(logger, connectionId, delivered);
        }
    }
}

using System.Runtime.CompilerServices;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Streaming;

/// <summary>One item of an event stream: a gateway event, or a keepalive when <see cref="Event"/> is null; the first carries the retry hint.</summary>
internal readonly record struct StreamItem(StoredEvent? Event, TimeSpan? ReconnectionInterval);

/// <summary>
/// A connection's events as stream items: what is retained after the resume point (a gap first when some of it is
/// gone), then live events as the log wakes the reader, a keepalive while idle, and the end once the log completes.
/// </summary>
internal static class EventStream
{
    public const string KeepAliveType = "keepalive";

    /// <summary>Sent with the first item so browsers come back quickly after a dropped stream (their default is ~3 s).</summary>
    public static readonly TimeSpan ReconnectionInterval = TimeSpan.FromSeconds(1);

    private const int ReadBatch = 256;

    public static async IAsyncEnumerable<StreamItem> ReadAsync(
        IEventSource events,
        long after,
        TimeSpan keepAliveInterval,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        var stopping = false;
        Task<bool>? waiting = null;
        // A live reader: while this stream is behind, the log holds what it has not read beyond retention.
        using var cursor = events.OpenCursor(after);
        while (true)
        {
            var (batch, completed) = await cursor.ReadAsync(ReadBatch);
            foreach (var stored in batch)
            {
                yield return new StreamItem(stored, first ? ReconnectionInterval : null);
                first = false;
                after = stored.Seq;
            }
            if (batch.Count > 0) continue;
            // A stop (shutdown) may overtake the CLOSED event it caused: the read above drained it first.
            if (completed || stopping) yield break;

            if (first)
            {
                // Nothing to replay: say at once that the stream is open, and give the reconnection hint.
                yield return KeepAlive(ReconnectionInterval);
                first = false;
            }

            waiting ??= events.WaitForEventsAfterAsync(after, cancellationToken).AsTask();
            var outcome = await WaitAsync(waiting, keepAliveInterval, time, cancellationToken);
            if (outcome == WaitOutcome.Idle)
            {
                yield return KeepAlive(null);
                continue;
            }
            stopping = outcome == WaitOutcome.Cancelled;
            waiting = null;
        }
    }

    private static StreamItem KeepAlive(TimeSpan? reconnectionInterval) => new(null, reconnectionInterval);

    private enum WaitOutcome { Woken, Idle, Cancelled }

    private static async Task<WaitOutcome> WaitAsync(Task<bool> waiting, TimeSpan idle, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await waiting.WaitAsync(idle, time, cancellationToken);
            return WaitOutcome.Woken;
        }
        catch (TimeoutException) when (!waiting.IsFaulted)
        {
            // The idle time passed. A wait that failed itself (a store that timed out: its exception is a
            // TimeoutException too) is not idleness: it ends the stream, or every later wait would end at once.
            return WaitOutcome.Idle;
        }
        catch (OperationCanceledException)
        {
            return WaitOutcome.Cancelled;
        }
    }
}

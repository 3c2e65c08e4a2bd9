using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

/// <summary>Waiting on an <see cref="IEventLog"/> for the event a test expects, failing with what did arrive.</summary>
public static class EventLogWaits
{
    /// <summary>The first event after <paramref name="after"/> that matches, waiting for it.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>; lists the last events.</exception>
    public static async Task<GatewayEvent> WaitForAsync(
        this IEventLog log, Func<GatewayEvent, bool> predicate, string what, TimeSpan timeout, CancellationToken cancellationToken, long after = 0)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var seen = after;
        try
        {
            while (true)
            {
                foreach (var e in log.ReadDecodedAfter(seen))
                {
                    seen = e.Seq;
                    if (predicate(e)) return e;
                }
                if (!await log.WaitForEventsAfterAsync(seen, timeoutSource.Token))
                    throw new InvalidOperationException($"The log completed without {what}. {Describe(log)}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No {what} within {timeout.TotalSeconds:0.#} s. {Describe(log)}");
        }
    }

    public static async Task<StatusEvent> WaitForStatusAsync(
        this IEventLog log, string status, TimeSpan timeout, CancellationToken cancellationToken, long after = 0) =>
        (StatusEvent)await log.WaitForAsync(e => e is StatusEvent s && s.Status == status, $"{status} status", timeout, cancellationToken, after);

    public static async Task<MessageEvent> WaitForMessageAsync(
        this IEventLog log, Func<IrcMessage, bool> predicate, string what, TimeSpan timeout, CancellationToken cancellationToken, long after = 0) =>
        (MessageEvent)await log.WaitForAsync(e => e is MessageEvent m && predicate(m.Message), what, timeout, cancellationToken, after);

    /// <summary>The statuses in the log, in order.</summary>
    public static IReadOnlyList<string> Statuses(this IEventLog log) =>
        log.ReadDecodedAfter(0).OfType<StatusEvent>().Select(s => s.Status).ToArray();

    /// <summary>The last events, one per line, for failure messages.</summary>
    public static string Describe(IEventLog log)
    {
        var events = log.ReadDecodedAfter(Math.Max(0, log.LastSeq - 25));
        return $"Last events:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", events.Select(Format));
    }

    public static string Format(GatewayEvent e) => e switch
    {
        StatusEvent s => $"{s.Seq} status {s.Status} {s.Detail}",
        MessageEvent m => $"{m.Seq} message {m.Message}",
        GapEvent g => $"{g.Seq} gap {g.From}..{g.To}",
        _ => $"{e.Seq} {e.Type}",
    };
}

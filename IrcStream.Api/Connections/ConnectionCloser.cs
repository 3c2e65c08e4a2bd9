using System.Collections.Concurrent;
using IrcStream.Api.Diagnostics;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>
/// Closes IRC connections (QUIT, CLOSED event, end of the event log, dispose) and keeps track of closes still
/// running, so shutdown can wait for them. Safe to call from a cache eviction callback: the work runs elsewhere.
/// </summary>
internal sealed class ConnectionCloser(ILogger<ConnectionCloser> logger)
{
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    /// <summary>Closes each connection on a pool thread; <paramref name="then"/>, when given, runs with each one's id once it is closed.</summary>
    public void CloseInBackground(IEnumerable<IIrcConnection> connections, string reason, Func<string, Task>? then = null)
    {
        foreach (var connection in connections)
        {
            Track(Task.Run(async () =>
            {
                await CloseAsync(connection, reason).ConfigureAwait(false);
                if (then is not null) await then(connection.Options.ConnectionId).ConfigureAwait(false);
            }));
        }
    }

    private void Track(Task task)
    {
        _pending.TryAdd(task, 0);
        task.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _pending, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Lets each connection go on a pool thread without QUIT and without a last event (<see cref="IIrcConnection.LetGoAsync"/>):
    /// another node holds it now. The user's lines it had not written yet are logged by count; they were not sent.
    /// </summary>
    public void LetGoInBackground(IIrcConnection connection)
    {
        Track(Task.Run(async () =>
        {
            try
            {
                var unsent = await connection.LetGoAsync().ConfigureAwait(false);
                if (unsent.Count > 0)
                    logger.LogWarning("Connection {ConnectionId}: {Count} queued lines were not written before this node let it go", connection.Options.ConnectionId, unsent.Count);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Letting IRC connection {ConnectionId} go failed", connection.Options.ConnectionId);
            }
        }));
    }

    /// <summary>Completes when every close started so far has finished.</summary>
    public Task WhenAllClosed() => Task.WhenAll(_pending.Keys);

    public async Task CloseAsync(IIrcConnection connection, string reason)
    {
        GatewayLogMessages.ConnectionClosing(logger, connection.Options.ConnectionId, connection.Options.Endpoint, reason);
        try
        {
            await connection.CloseAsync(reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Closing IRC connection {ConnectionId} failed", connection.Options.ConnectionId);
        }
        finally
        {
            // Streams end on a completed log; completing it here too means they end even if the close failed.
            connection.Events.Complete();
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Disposing IRC connection {ConnectionId} failed", connection.Options.ConnectionId);
            }
        }
    }
}

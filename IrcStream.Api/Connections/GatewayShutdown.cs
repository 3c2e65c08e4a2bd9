namespace IrcStream.Api.Connections;

/// <summary>
/// On host stopping, hands every IRC connection this node holds to another node where there is one (Redis mode,
/// <see cref="IConnectionHandover"/>), and sends QUIT on the others so each stream gets its CLOSED event and ends, then
/// cancels <see cref="StreamsEnd"/> for any stream still open. Starts on ApplicationStopping rather than in
/// StopAsync because the server stops first and waits for open streams, which only end once connections close.
/// </summary>
internal sealed class GatewayShutdown(
    OwnedConnections owned,
    ConnectionCloser closer,
    IHostApplicationLifetime lifetime,
    ILogger<GatewayShutdown> logger,
    IConnectionHandover? handover = null) : IHostedService, IDisposable
{
    internal static readonly TimeSpan CloseBudget = TimeSpan.FromSeconds(4);
    private readonly CancellationTokenSource _streamsEnd = new();
    private Task _closing = Task.CompletedTask;
    private CancellationTokenRegistration _registration;

    /// <summary>Cancelled once shutdown has closed every connection (or ran out of time doing it).</summary>
    public CancellationToken StreamsEnd => _streamsEnd.Token;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() => _closing = Task.Run(CloseEverythingAsync));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested) _closing = Task.Run(CloseEverythingAsync, cancellationToken);
        await _closing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _registration.Dispose();
        _streamsEnd.Dispose();
    }

    private async Task CloseEverythingAsync()
    {
        try
        {
            var taken = owned.TakeAll();
            var connections = handover is null ? taken : await handover.HandOverAsync(taken).WaitAsync(CloseBudget).ConfigureAwait(false);
            closer.CloseInBackground(connections, "Gateway shutting down");
            logger.LogInformation("Shutting down: closing {Count} IRC connections", connections.Count);
            await closer.WhenAllClosed().WaitAsync(CloseBudget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Some IRC connections did not close within {Budget}", CloseBudget);
        }
        finally
        {
            _streamsEnd.Cancel();
        }
    }
}

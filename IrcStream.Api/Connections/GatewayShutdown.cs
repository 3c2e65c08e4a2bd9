using IrcStream.Api.State;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Connections;

/// <summary>
/// On host stopping, takes every IRC connection from this node and leaves them (<see cref="IGatewayState.LeaveAsync"/>:
/// QUIT, so each stream gets its CLOSED event and ends; in Redis mode, handed to another node where there is one), then
/// cancels <see cref="StreamsEnd"/> for any stream still open. Starts on ApplicationStopping rather than in
/// StopAsync because the server stops first and waits for open streams, which only end once connections close.
/// </summary>
internal sealed class GatewayShutdown(
    OwnedConnections owned,
    ConnectionCloser closer,
    IHostApplicationLifetime lifetime,
    IGatewayState state,
    IOptions<HostOptions> host,
    ILogger<GatewayShutdown> logger) : IHostedService, IDisposable
{
    /// <summary>The QUIT reason of the connections a stopping node closes.</summary>
    public const string Reason = "Gateway shutting down";

    internal static readonly TimeSpan CloseBudget = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long leaving may take: at least <see cref="CloseBudget"/>, at most the host's shutdown timeout less a second,
    /// since a node handing its connections over copies first what it holds, waiting for a Redis that is slow or away.
    /// </summary>
    private TimeSpan LeaveBudget => host.Value.ShutdownTimeout - TimeSpan.FromSeconds(1) > CloseBudget ? host.Value.ShutdownTimeout - TimeSpan.FromSeconds(1) : CloseBudget;
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
            var connections = owned.TakeAll();
            logger.LogInformation("Shutting down: leaving {Count} IRC connections", connections.Count);
            await state.LeaveAsync(connections).WaitAsync(LeaveBudget).ConfigureAwait(false);
            await closer.WhenAllClosed().WaitAsync(CloseBudget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Some IRC connections were not handed over or closed within {Budget} (the host's shutdown timeout less a second)", LeaveBudget + CloseBudget);
        }
        finally
        {
            _streamsEnd.Cancel();
        }
    }
}

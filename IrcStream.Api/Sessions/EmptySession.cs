namespace IrcStream.Api.Sessions;

/// <summary>
/// What a request without a session sees: a session that holds no connection and cannot take one. Reading
/// (listing, a stream of an unknown id) needs no real session, so none is made until the person connects.
/// </summary>
internal sealed class EmptySession : IBrowserSession
{
    public static readonly EmptySession Instance = new();

    private EmptySession()
    {
    }

    public string Hash => "";

    public string Tag => "none";

    public ValueTask<IReadOnlyList<string>> ConnectionIdsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<string>>([]);

    public ValueTask<bool> HoldsAsync(string connectionId, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask<SessionAddOutcome> TryAddAsync(string connectionId, int maxConnections, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SessionAddOutcome.Ended);

    public ValueTask<bool> RemoveAsync(string connectionId, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public IDisposable BeginActivity() => EmptyScope.Instance;

    private sealed class EmptyScope : IDisposable
    {
        public static readonly EmptyScope Instance = new();

        public void Dispose()
        {
        }
    }
}

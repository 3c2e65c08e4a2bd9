namespace IrcStream.Api.Sessions;

/// <summary>
/// One browser's session in this process's memory: its IRC connections' ids and its sliding idle clock. The clock is a timer rather than the
/// cache's lazy sliding check, so an idle session ends on time even when no request touches the cache, and a
/// session with an open stream or a waiting poll (<see cref="BeginActivity"/>) never expires under it, however
/// late a timer runs on a busy machine.
/// </summary>
internal sealed class MemorySession : IBrowserSession, IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _connections = [];
    private readonly CancellationTokenSource _expire = new();
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly ITimer _idleTimer;
    private long _lastActivity;
    private int _activeRequests;
    private bool _ended;

    public MemorySession(string id, string clientAddress, TimeSpan idleTimeout, TimeProvider time)
    {
        Id = id;
        Hash = SessionCookie.Hash(id);
        ClientAddress = clientAddress;
        _idleTimeout = idleTimeout;
        _time = time;
        _lastActivity = time.GetTimestamp();
        // A timer captures the ExecutionContext it is created in: without suppressing it, the session would keep the
        // request that created it (its Activity and log scopes) alive for as long as the session lives.
        using (ExecutionContext.SuppressFlow())
            _idleTimer = time.CreateTimer(static state => ((MemorySession)state!).CheckIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Id { get; }

    public string Hash { get; }

    public string Tag => Hash[..12];

    /// <summary>The client address that created the session, whose count in <see cref="SessionLimits"/> it holds.</summary>
    public string ClientAddress { get; }

    /// <summary>Cancelled when the idle timeout passes; the cache entry expires on it.</summary>
    public CancellationToken Expired => _expire.Token;

    public void StartIdleClock() => Schedule(_idleTimeout);

    /// <summary>Restarts the idle clock; false when the timeout has already passed (its timer just has not fired yet).</summary>
    public bool TryTouch()
    {
        if (Volatile.Read(ref _activeRequests) == 0 && _time.GetElapsedTime(Interlocked.Read(ref _lastActivity)) >= _idleTimeout)
        {
            Expire();
            return false;
        }
        Touch();
        return true;
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    /// <summary>Keeps the session alive until the returned scope is disposed (an open stream or a waiting poll).</summary>
    public IDisposable BeginActivity()
    {
        Interlocked.Increment(ref _activeRequests);
        Touch();
        return new ActivityScope(this);
    }

    public ValueTask<IReadOnlyList<string>> ConnectionIdsAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult<IReadOnlyList<string>>(_connections.ToArray());
    }

    public ValueTask<bool> HoldsAsync(string connectionId, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(_connections.Contains(connectionId));
    }

    public ValueTask<SessionAddOutcome> TryAddAsync(string connectionId, int maxConnections, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ended || _expire.IsCancellationRequested) return ValueTask.FromResult(SessionAddOutcome.Ended);
            if (_connections.Count >= maxConnections) return ValueTask.FromResult(SessionAddOutcome.Full);
            _connections.Add(connectionId);
            return ValueTask.FromResult(SessionAddOutcome.Added);
        }
    }

    public ValueTask<bool> RemoveAsync(string connectionId, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(_connections.Remove(connectionId));
    }

    /// <summary>Ends the session: no connection can be added any more; returns the ids of the ones it held, now the caller's to close.</summary>
    public IReadOnlyList<string> End()
    {
        string[] taken;
        lock (_gate)
        {
            _ended = true;
            taken = _connections.ToArray();
            _connections.Clear();
        }
        _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return taken;
    }

    public void Dispose()
    {
        _idleTimer.Dispose();
        _expire.Dispose();
    }

    private void CheckIdle()
    {
        lock (_gate)
        {
            if (_ended) return;
        }
        if (Volatile.Read(ref _activeRequests) > 0)
        {
            // In use: the clock restarts when the last stream or poll ends; look again in a while meanwhile.
            Schedule(_idleTimeout);
            return;
        }
        var idle = _time.GetElapsedTime(Interlocked.Read(ref _lastActivity));
        if (idle >= _idleTimeout)
        {
            Expire();
            return;
        }
        Schedule(_idleTimeout - idle);
    }

    private void Expire()
    {
        try
        {
            _expire.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already evicted and disposed.
        }
    }

    private void Schedule(TimeSpan due)
    {
        try
        {
            _idleTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The session ended while its timer was firing.
        }
    }

    private sealed class ActivityScope(MemorySession session) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            session.Touch();
            Interlocked.Decrement(ref session._activeRequests);
            session.Schedule(session._idleTimeout);
        }
    }
}

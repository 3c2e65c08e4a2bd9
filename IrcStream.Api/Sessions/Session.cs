using IrcStream.Domain.Connections;

namespace IrcStream.Api.Sessions;

/// <summary>
/// One browser's session: its IRC connections and the idle clock. The clock is a timer, not the cache's
/// lazy check, so an idle session ends on time even when no request touches the cache; while a stream or
/// poll is open (<see cref="BeginActivity"/>) the session counts as in use.
/// </summary>
internal sealed class Session : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IIrcConnection> _connections = [];
    private readonly CancellationTokenSource _expire = new();
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly Action<Session> _refreshCache;
    private readonly ITimer _idleTimer;
    private long _lastActivity;
    private int _activeRequests;
    private bool _ended;

    public Session(string id, TimeSpan idleTimeout, TimeProvider time, Action<Session> refreshCache)
    {
        Id = id;
        _idleTimeout = idleTimeout;
        _time = time;
        _refreshCache = refreshCache;
        _lastActivity = time.GetTimestamp();
        _idleTimer = time.CreateTimer(static state => ((Session)state!).CheckIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Id { get; }

    /// <summary>Cancelled when the idle timeout passes; the cache entry expires on it.</summary>
    public CancellationToken Expired => _expire.Token;

    public void StartIdleClock() => Schedule(_idleTimeout);

    public void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    /// <summary>Keeps the session alive until the returned scope is disposed (an open stream or a waiting poll).</summary>
    public ActivityScope BeginActivity()
    {
        Interlocked.Increment(ref _activeRequests);
        Touch();
        return new ActivityScope(this);
    }

    public enum AddOutcome { Added, Full, Ended }

    public AddOutcome TryAdd(IIrcConnection connection, int maxConnections)
    {
        lock (_gate)
        {
            if (_ended) return AddOutcome.Ended;
            if (_connections.Count >= maxConnections) return AddOutcome.Full;
            _connections.Add(connection);
            return AddOutcome.Added;
        }
    }

    public IIrcConnection? Find(string id)
    {
        lock (_gate) return _connections.Find(c => c.Options.ConnectionId == id);
    }

    public IIrcConnection? Remove(string id)
    {
        lock (_gate)
        {
            var index = _connections.FindIndex(c => c.Options.ConnectionId == id);
            if (index < 0) return null;
            var connection = _connections[index];
            _connections.RemoveAt(index);
            return connection;
        }
    }

    public IReadOnlyList<IIrcConnection> Connections
    {
        get
        {
            lock (_gate) return _connections.ToArray();
        }
    }

    /// <summary>Ends the session: no connection can be added any more; returns the ones it held, now the caller's to close.</summary>
    public IReadOnlyList<IIrcConnection> End()
    {
        IIrcConnection[] taken;
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
            // The cache's own sliding expiration must not run out under an open stream either.
            _refreshCache(this);
            Touch();
            Schedule(_idleTimeout / 2);
            return;
        }
        var idle = _time.GetElapsedTime(Interlocked.Read(ref _lastActivity));
        if (idle >= _idleTimeout)
        {
            _expire.Cancel();
            return;
        }
        Schedule(_idleTimeout - idle);
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

    internal readonly struct ActivityScope(Session session) : IDisposable
    {
        public void Dispose()
        {
            session._refreshCache(session);
            session.Touch();
            Interlocked.Decrement(ref session._activeRequests);
        }
    }
}

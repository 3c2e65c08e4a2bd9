using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// Wakes this node's readers when any node appends to a connection's stream. One subscription per node to the
/// events channel, whose messages say "<c>connection-id seq</c>"; readers register by connection id while they
/// wait, and re-read the stream with XRANGE when woken. A message lost while the subscription reconnects is made
/// up for by waking every waiting reader once it is back (and readers re-read at each keepalive anyway).
/// </summary>
internal sealed class RedisEventNotifier : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Waiters> _waiting = new(StringComparer.Ordinal);
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private ChannelMessageQueue? _subscription;

    public RedisEventNotifier(IConnectionMultiplexer redis, RedisKeys keys)
    {
        _redis = redis;
        _keys = keys;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Subscribes; done once as the node starts.</summary>
    public async Task StartAsync()
    {
        _subscription = await _redis.GetSubscriber().SubscribeAsync(_keys.Events).ConfigureAwait(false);
        _subscription.OnMessage(message => Notify(message.Message));
    }

    /// <summary>
    /// A task that completes once a seq above <paramref name="after"/> is announced for the connection (or a
    /// reconnect asks everyone to look again). Take it BEFORE reading the stream, then await it only when the read
    /// found nothing: an append between the two then still wakes the reader.
    /// </summary>
    public Registration Register(string connectionId, long after)
    {
        while (true)
        {
            var waiters = _waiting.GetOrAdd(connectionId, static _ => new Waiters());
            // Null when the set was just emptied and is being dropped from the map: take the next one.
            if (waiters.TryAdd(this, connectionId, after) is { } registration) return registration;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionRestored -= OnConnectionRestored;
        if (_subscription is { } subscription) await subscription.UnsubscribeAsync().ConfigureAwait(false);
    }

    private void Notify(RedisValue message)
    {
        var text = (string?)message;
        var space = text?.LastIndexOf(' ') ?? -1;
        if (space <= 0 || !long.TryParse(text.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return;
        if (_waiting.TryGetValue(text![..space], out var waiters)) waiters.Wake(seq);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        foreach (var waiters in _waiting.Values) waiters.Wake(long.MaxValue);
    }

    private void Remove(string connectionId, Waiters waiters) =>
        _waiting.TryRemove(new KeyValuePair<string, Waiters>(connectionId, waiters));

    /// <summary>One reader's wait; dispose it when done waiting.</summary>
    internal sealed class Registration(RedisEventNotifier owner, string connectionId, Waiters waiters, long after) : IDisposable
    {
        private readonly TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long After => after;

        public Task Woken => _woken.Task;

        public void Wake() => _woken.TrySetResult();

        public void Dispose()
        {
            if (waiters.Remove(this)) owner.Remove(connectionId, waiters);
        }
    }

    internal sealed class Waiters
    {
        private readonly List<Registration> _registrations = [];
        private bool _removed;

        public Registration? TryAdd(RedisEventNotifier owner, string connectionId, long after)
        {
            lock (_registrations)
            {
                if (_removed) return null;
                var registration = new Registration(owner, connectionId, this, after);
                _registrations.Add(registration);
                return registration;
            }
        }

        /// <summary>True when that was the last one: the set is dropped, and the caller takes it out of the map.</summary>
        public bool Remove(Registration registration)
        {
            lock (_registrations)
            {
                if (!_registrations.Remove(registration) || _registrations.Count > 0) return false;
                _removed = true;
                return true;
            }
        }

        public void Wake(long seq)
        {
            lock (_registrations)
            {
                foreach (var registration in _registrations)
                {
                    if (seq > registration.After) registration.Wake();
                }
            }
        }
    }
}

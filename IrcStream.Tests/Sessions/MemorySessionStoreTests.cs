using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Sessions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Sessions;

public sealed class MemorySessionStoreTests : SessionStoreContract
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private MemorySessionStore? _store;

    private protected override Task<ISessionStore> CreateStoreAsync()
    {
        var options = Options.Create(new IrcStreamOptions { MaxSessions = MaxSessions, MaxSessionsPerAddress = MaxPerAddress, SessionIdleTimeout = IdleTimeout });
        _store = new MemorySessionStore(_cache, options, new OwnedConnections(), new ConnectionCloser(NullLogger<ConnectionCloser>.Instance), _time,
            NullLogger<MemorySessionStore>.Instance);
        return Task.FromResult<ISessionStore>(_store);
    }

    protected override async Task PassIdleTimeoutAsync(string cookie)
    {
        var before = _store!.Count;
        _time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        if (_cache.TryGetValue(cookie, out _)) return;
        // The cache evicts on a thread of its own; the session gives its slot back there.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_store.Count == before)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The expired session was not evicted within 10 s.");
            await Task.Delay(10, Token);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _store?.Dispose();
        _cache.Dispose();
        return ValueTask.CompletedTask;
    }
}

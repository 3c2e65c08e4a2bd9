using IrcStream.Api.Cluster;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster.Scripts;

/// <summary>
/// What every test class of Redis mode's Lua scripts shares: a connection to the shared redis-server, keys under a
/// prefix of the class's own, and <see cref="Run"/> to call one script with the keys and arguments its contract names.
/// </summary>
public abstract class ScriptTests(RedisFixture fixture, string prefix) : IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;

    protected ConnectionMultiplexer Redis => _redis!;

    protected RedisKeys Keys { get; } = new(RedisFixture.UniquePrefix(prefix));

    protected IDatabase Db => Redis.GetDatabase();

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected Task<RedisResult> Run(string script, RedisKey[] keys, params RedisValue[] args) => Db.ScriptEvaluateAsync(script, keys, args);
}

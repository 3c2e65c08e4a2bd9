using IrcStream.Api.Cluster;
using IrcStream.Api.Guard;
using IrcStream.Tests.Guard;
using IrcStream.Tests.Support;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>The guard store contract against a real redis-server, with two stores on two connections as two gateway nodes.</summary>
[Collection("Redis")]
public sealed class RedisGuardStoreTests(RedisFixture fixture) : GuardStoreContract, IAsyncDisposable
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    private protected override async Task<(IGuardStore A, IGuardStore B)> CreateNodesAsync()
    {
        var keys = new RedisKeys(RedisFixture.UniquePrefix("guard"));
        var a = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var b = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        _connections.AddRange([a, b]);
        return (new RedisGuardStore(a, keys), new RedisGuardStore(b, keys));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
    }
}

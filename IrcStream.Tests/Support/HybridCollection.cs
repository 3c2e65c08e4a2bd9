namespace IrcStream.Tests.Support;

/// <summary>One ircd-hybrid shared by every test class in the "hybrid" collection (started once, killed at the end).</summary>
/// <remarks>Tests sharing it must use unique nicks and channels (<see cref="RawIrcClient.UniqueNick"/>) and must not stop or restart it.</remarks>
public sealed class HybridFixture : IAsyncLifetime
{
    private HybridServer? _server;

    public HybridServer Server => _server ?? throw new InvalidOperationException("The ircd-hybrid fixture is not initialised.");

    public async ValueTask InitializeAsync() => _server = await HybridServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition("hybrid")]
public sealed class HybridCollection : ICollectionFixture<HybridFixture>;

namespace IrcStream.Tests.Support;

/// <summary>One Ergo shared by every test class in the "Ergo" collection (started once, killed at the end).</summary>
/// <remarks>
/// Tests sharing it must use unique nicks, channels and account names (<see cref="RawIrcClient.UniqueNick"/>) and must not
/// stop or restart it; a test that needs e-mail verification or a restart starts its own <see cref="ErgoServer"/>.
/// </remarks>
public sealed class ErgoFixture : IAsyncLifetime
{
    private ErgoServer? _server;

    public ErgoServer Server => _server ?? throw new InvalidOperationException("The Ergo fixture is not initialised.");

    public async ValueTask InitializeAsync() => _server = await ErgoServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition("Ergo")]
public sealed class ErgoCollection : ICollectionFixture<ErgoFixture>;

namespace IrcStream.Tests.Support;

/// <summary>One ngIRCd shared by every test class in the "ngircd" collection (started once, killed at the end).</summary>
/// <remarks>Tests sharing it must use unique nicks and channels (<see cref="RawIrcClient.UniqueNick"/>) and must not stop or restart it.</remarks>
public sealed class NgircdFixture : IAsyncLifetime
{
    private NgircdServer? _server;

    public NgircdServer Server => _server ?? throw new InvalidOperationException("The ngIRCd fixture is not initialised.");

    public async ValueTask InitializeAsync() => _server = await NgircdServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition("ngircd")]
public sealed class NgircdCollection : ICollectionFixture<NgircdFixture>;

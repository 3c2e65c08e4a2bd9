namespace IrcStream.Tests.Support;

/// <summary>One InspIRCd shared by every test class in the "InspIRCd" collection (started once, killed at the end).</summary>
/// <remarks>Tests sharing it must use unique nicks and channels (<see cref="RawIrcClient.UniqueNick"/>) and must not stop or restart it.</remarks>
public sealed class InspircdFixture : IAsyncLifetime
{
    private InspircdServer? _server;

    public InspircdServer Server => _server ?? throw new InvalidOperationException("The InspIRCd fixture is not initialised.");

    public async ValueTask InitializeAsync() => _server = await InspircdServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition("InspIRCd")]
public sealed class InspircdCollection : ICollectionFixture<InspircdFixture>;

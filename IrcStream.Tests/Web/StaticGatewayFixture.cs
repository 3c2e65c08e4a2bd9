using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Web;

/// <summary>A gateway with its default settings, for tests that only need the client's files and headers.</summary>
public sealed class StaticGatewayFixture : IAsyncLifetime
{
    private GatewayHost? _host;

    public GatewayHost Host => _host ?? throw new InvalidOperationException("The gateway is not started.");

    public ValueTask InitializeAsync()
    {
        _host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = "irc.example.test:6697",
            ["IrcStream:AllowedServers:1"] = "*.example.org:6697",
        }, realEngine: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

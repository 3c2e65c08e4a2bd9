using System.Net;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IrcStream.Tests.Api.Support;

/// <summary>
/// The real gateway on Kestrel bound to 127.0.0.1:0, with settings of the test's choosing and, unless told
/// otherwise, <see cref="FakeIrcConnectionFactory"/> in place of the IRC engine.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly List<Browser> _browsers = [];

    private GatewayHost(WebApplicationFactory<Program> factory, Uri baseAddress, FakeIrcConnectionFactory? fakes)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        Fakes = fakes;
    }

    public Uri BaseAddress { get; }

    /// <summary>The fake engine, or null when the host runs the real one.</summary>
    public FakeIrcConnectionFactory? Fakes { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Allows every loopback port by default, so tests name servers like 127.0.0.1:6667 freely.</summary>
    public static GatewayHost Start(IDictionary<string, string?>? settings = null, bool realEngine = false, int eventBufferSize = 1000,
        Action<IServiceCollection>? services = null)
    {
        var fakes = realEngine ? null : new FakeIrcConnectionFactory(eventBufferSize);
        var all = new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = "127.0.0.1:*",
            ["IrcStream:AllowedServers:1"] = "localhost:*",
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000",
            ["IrcStream:MaxSessionsPerAddress"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // WebApplicationFactory defaults to Development; tests start from the shipped settings, not appsettings.Development.json.
            web.UseEnvironment(Environments.Production);
            web.ConfigureAppConfiguration(config => config.AddInMemoryCollection(all));
            // Also as host settings: Program reads some (IrcStream:Redis:Configuration) while it registers services,
            // before the app configuration above is applied.
            foreach (var (key, value) in all) web.UseSetting(key, value);
            if (fakes is not null) web.ConfigureTestServices(services => services.AddSingleton<IIrcConnectionFactory>(fakes));
            if (services is not null) web.ConfigureTestServices(services);
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        // The fakes append where the real engine would: in Redis mode, to logs copied into Redis.
        if (fakes is not null) fakes.EventLogs = factory.Services.GetService<IEventLogFactory>();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(factory, new Uri(address), fakes);
    }

    /// <summary>One gateway node in Redis mode: nodes started with the same <paramref name="redis"/> and <paramref name="prefix"/> share their state.</summary>
    public static GatewayHost StartNode(RedisServer redis, string prefix, IDictionary<string, string?>? settings = null, bool realEngine = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["IrcStream:Redis:Configuration"] = redis.Configuration,
            ["IrcStream:Redis:KeyPrefix"] = prefix,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return Start(all, realEngine);
    }

    /// <summary>A new browser: its own cookie jar, so its own session.</summary>
    public Browser NewBrowser()
    {
        var browser = new Browser(BaseAddress);
        lock (_browsers) _browsers.Add(browser);
        return browser;
    }

    /// <summary>Stops the gateway as SIGTERM does (host stopping, then stopped).</summary>
    public async Task StopAsync() => await _factory.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        lock (_browsers)
        {
            foreach (var browser in _browsers) browser.Dispose();
        }
        await _factory.DisposeAsync();
    }
}

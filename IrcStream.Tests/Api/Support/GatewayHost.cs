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
/// The one way tests host the gateway in-process: the Api's Program on Kestrel bound to 127.0.0.1:0, in the
/// Production environment (the shipped appsettings.json, not appsettings.Development.json) unless a test asks
/// for another, with settings of the test's choosing and, unless told otherwise, <see cref="FakeIrcConnectionFactory"/>
/// in place of the IRC engine. Tests that need the gateway as its own process (SIGTERM, two nodes sharing a
/// Redis) use <see cref="GatewayProcess"/>, which runs the same build.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>What <see cref="Start"/> adds unless <c>asShipped</c>: any loopback port allowed, limits a test's many requests from one address don't hit, and quiet logs.</summary>
    private static readonly Dictionary<string, string?> TestDefaults = new()
    {
        ["IrcStream:AllowedServers:0"] = "127.0.0.1:*",
        ["IrcStream:AllowedServers:1"] = "localhost:*",
        ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000",
        ["IrcStream:MaxSessionsPerAddress"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly WebApplicationFactory<Program> _factory;
    private readonly List<Browser> _browsers = [];

    private GatewayHost(WebApplicationFactory<Program> factory, Uri baseAddress, FakeIrcConnectionFactory? fakes)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        Fakes = fakes;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The fake engine, or null when the host runs the real one.</summary>
    public FakeIrcConnectionFactory? Fakes { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts a gateway.</summary>
    /// <param name="settings">Configuration keys (<c>IrcStream:AllowedServers:0</c>) over the test defaults and appsettings.json.</param>
    /// <param name="realEngine">True for real IRC connections; false for <see cref="Fakes"/>.</param>
    /// <param name="eventBufferSize">The connections' event log size (<c>IrcStream:EventBufferSize</c>), when a test needs another.</param>
    /// <param name="services">Registrations after the gateway's own (a replacement service, an <c>IStartupFilter</c> in front of the pipeline).</param>
    /// <param name="asShipped">True to leave out the test defaults, so the gateway runs with appsettings.json and <paramref name="settings"/> only.</param>
    /// <param name="environment">The host environment; Production unless a test is about another.</param>
    /// <param name="webRoot">A folder laid out as a published gateway's wwwroot (<see cref="DeployedWebRoot"/>), served instead of the build's files.</param>
    public static GatewayHost Start(IDictionary<string, string?>? settings = null, bool realEngine = false, int? eventBufferSize = null,
        Action<IServiceCollection>? services = null, bool asShipped = false, string? environment = null, string? webRoot = null)
    {
        var fakes = realEngine ? null : new FakeIrcConnectionFactory();
        var all = asShipped ? [] : new Dictionary<string, string?>(TestDefaults);
        if (eventBufferSize is { } size) all["IrcStream:EventBufferSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // WebApplicationFactory's own default is Development.
            web.UseEnvironment(environment ?? Environments.Production);
            web.ConfigureAppConfiguration(config => config.AddInMemoryCollection(all));
            // The build's compressed copies of wwwroot (obj/.../compressed), as `dotnet run` and a published gateway have
            // them; or a published gateway's own folder.
            if (webRoot is null) web.UseStaticWebAssets();
            else web.UseWebRoot(webRoot);
            // Also as host settings: Program reads some (IrcStream:Redis:Configuration) while it registers services,
            // before the app configuration above is applied.
            foreach (var (key, value) in all) web.UseSetting(key, value);
            if (fakes is not null) web.ConfigureTestServices(services => services.AddSingleton<IIrcConnectionFactory>(fakes));
            if (services is not null) web.ConfigureTestServices(services);
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(factory, new Uri(address.EndsWith('/') ? address : address + "/"), fakes);
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

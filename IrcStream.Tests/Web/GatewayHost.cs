using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IrcStream.Tests.Web;

/// <summary>The whole gateway (the Api's Program) on Kestrel at a free 127.0.0.1 port, so a real browser can reach it.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private GatewayHost(WebApplicationFactory<Program> factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts the gateway with <paramref name="settings"/> (configuration keys such as <c>IrcStream:AllowedServers:0</c>)
    /// and, when given, <paramref name="cutter"/> in front of its pipeline.
    /// </summary>
    public static GatewayHost Start(IReadOnlyDictionary<string, string?> settings, EventStreamCutter? cutter = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            if (cutter is not null) builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(cutter));
        });
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayHost(factory, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}

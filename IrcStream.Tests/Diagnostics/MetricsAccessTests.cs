using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IrcStream.Tests.Diagnostics;

/// <summary>Who may read /metrics: loopback by default, else the configured addresses; everyone else gets 403.</summary>
public sealed class MetricsAccessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoopbackMayScrapeByDefault()
    {
        await using var host = GatewayHost.Start();
        var scrape = await MetricsScrape.ReadAsync(host.NewBrowser().Http);
        scrape.Has("ircstream_sessions").Should().BeTrue(scrape.Text);
    }

    [Fact]
    public async Task AnAddressOutsideTheListGets403()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Metrics:AllowedAddresses:0"] = "10.0.0.0/8" });
        using var response = await host.NewBrowser().Http.GetAsync("/metrics", Token);
        await ProblemAssertions.ShouldBeProblemAsync(response, HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync(Token)).Should().Contain("IrcStream:Metrics:AllowedAddresses").And.NotContain("ircstream_");
    }

    [Fact]
    public async Task ABrowserForwardedByAProxyOnLoopbackGets403()
    {
        // A reverse proxy on the same machine passes the public's requests on from 127.0.0.1, with the real address in X-Forwarded-For.
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await browser.Http.GetAsync("/metrics", Token);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AListedNetworkMayScrape()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Metrics:AllowedAddresses:0"] = "10.0.0.0/8",
            ["IrcStream:Metrics:AllowedAddresses:1"] = "127.0.0.1",
        });
        (await MetricsScrape.ReadAsync(host.NewBrowser().Http)).Has("ircstream_sessions").Should().BeTrue();
    }

    [Theory]
    [InlineData("IrcStream:Metrics:AllowedAddresses:0", "10.0.0.0/33", "it accepts an IP like 10.0.0.5 or CIDR like 10.0.0.0/8")]
    [InlineData("IrcStream:Metrics:AllowedAddresses:0", "prometheus", "it accepts an IP like 10.0.0.5 or CIDR like 10.0.0.0/8")]
    [InlineData("IrcStream:ReconnectDelay", "-00:00:01", "it accepts a duration (hh:mm:ss) from 00:00:00 to 1.00:00:00")]
    [InlineData("IrcStream:Flood:Burst", "0", "it accepts a whole number from 1 to 1000")]
    public async Task ABadSettingStopsTheGatewayNamingTheKeyAndWhatItAccepts(string key, string value, string accepts)
    {
        using var host = OptionsHost(new Dictionary<string, string?> { [key] = value });
        var start = () => host.StartAsync(Token);
        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Message.Should().Contain(key).And.Contain(value).And.Contain(accepts);
    }

    [Theory]
    [InlineData("IrcStream:AllowedServers")]
    [InlineData("IrcStream:Metrics:AllowedAddresses")]
    public async Task AListGivenAsOneValueStopsTheGatewayNamingTheIndexedForm(string key)
    {
        using var host = OptionsHost(new Dictionary<string, string?> { [key] = "irc.example.net:6667" });
        var start = () => host.StartAsync(Token);
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should()
            .Contain($"{key} is a list but was given one value ('irc.example.net:6667')").And.Contain(key.Replace(":", "__") + "__0");
    }

    [Fact]
    public async Task AMisspeltKeyStopsTheGatewayNamingIt()
    {
        using var host = OptionsHost(new Dictionary<string, string?> { ["IrcStream:ReconectDelay"] = "00:00:05" });
        var start = () => host.StartAsync(Token);
        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("'ReconectDelay'");
    }

    [Fact]
    public async Task TheDevelopmentSettingsStartAndAllowALocalServerWithAShortReconnect()
    {
        using var host = OptionsHost([], "appsettings.Development.json");
        await host.StartAsync(Token);
        var options = host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
        options.AllowedServers.Should().Contain(["localhost:6667", "localhost:6697"]);
        options.ReconnectDelay.Should().BeLessThan(TimeSpan.FromSeconds(10));
        await host.StopAsync(Token);
    }

    /// <summary>The shipped settings files plus <paramref name="overrides"/>, with the gateway's options registration.</summary>
    private static IHost OptionsHost(Dictionary<string, string?> overrides, params string[] extraFiles)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        foreach (var file in extraFiles) builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, file), optional: false);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddIrcStreamOptions(builder.Configuration);
        return builder.Build();
    }
}

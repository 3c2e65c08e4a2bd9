using System.Net;
using IrcStream.Tests.Api.Support;

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
}

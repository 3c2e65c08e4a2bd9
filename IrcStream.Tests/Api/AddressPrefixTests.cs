using System.Net;
using System.Net.Http.Json;
using IrcStream.Api.Http;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

/// <summary>Per-address limits count an IPv6 client by its prefix (a /64 unless configured), an IPv4 client by its address.</summary>
public sealed class AddressPrefixTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("198.51.100.7", 64, "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", 64, "198.51.100.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2ff::1", 56, "2001:db8:1:200::/56")]
    [InlineData("2001:db8:1:2::1", 128, "2001:db8:1:2::1")]
    public void AnAddressIsKeyedByItsPrefix(string address, int prefix, string key) =>
        ClientAddress.KeyOf(IPAddress.Parse(address), prefix).Should().Be(key);


    [Fact]
    public async Task SessionsFromOneIpv6Slash64ShareTheAddressCap()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxSessionsPerAddress"] = "2" });
        foreach (var address in new[] { "2001:db8:1:2::a", "2001:db8:1:2::b" })
        {
            using var served = await host.NewBrowserFrom(address).Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token);
            served.StatusCode.Should().Be(HttpStatusCode.Created, "connecting starts a session");
        }

        using (var refused = await host.NewBrowserFrom("2001:db8:1:2:ffff::c").Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain("Try again in a few minutes");
        }
        using var otherNetwork = await host.NewBrowserFrom("2001:db8:1:3::a").Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token);
        otherNetwork.StatusCode.Should().Be(HttpStatusCode.Created, "another /64 is another client");
    }

    [Fact]
    public async Task WithAPrefixOf128EveryIpv6AddressIsItsOwnClient()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:MaxSessionsPerAddress"] = "1",
            ["IrcStream:Ipv6PrefixLength"] = "128",
        });
        foreach (var address in new[] { "2001:db8:1:2::a", "2001:db8:1:2::b" })
        {
            using var served = await host.NewBrowserFrom(address).Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token);
            served.StatusCode.Should().Be(HttpStatusCode.Created, "connecting starts a session");
        }
    }

    [Fact]
    public async Task TheConnectionRateLimitCountsOneIpv6Slash64()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:ConnectionRateLimit:PermitLimit"] = "2" });
        await host.NewBrowserFrom("2001:db8:9:9::1").ConnectAsync(nick: "a1");
        await host.NewBrowserFrom("2001:db8:9:9::2").ConnectAsync(nick: "a2");

        using (var refused = await host.NewBrowserFrom("2001:db8:9:9::3").Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "a3" }, Token))
            await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        await host.NewBrowserFrom("2001:db8:9:a::1").ConnectAsync(nick: "b1");
    }

    [Fact]
    public async Task StreamsFromOneIpv6Slash64ShareTheAddressBound()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxStreamsPerAddress"] = "1" });
        var first = host.NewBrowserFrom("2001:db8:5:5::1");
        var second = host.NewBrowserFrom("2001:db8:5:5::2");
        var elsewhere = host.NewBrowserFrom("2001:db8:5:6::1");
        var ids = new[] { await first.ConnectAsync(nick: "s1"), await second.ConnectAsync(nick: "s2"), await elsewhere.ConnectAsync(nick: "s3") };

        await using var open = await first.OpenEventsAsync(ids[0]);
        using (var refused = await second.Http.GetAsync($"/api/connections/{ids[1]}/events", HttpCompletionOption.ResponseHeadersRead, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain("from your network address").And.NotContain("IrcStream:");
        }
        await using var served = await elsewhere.OpenEventsAsync(ids[2]);
    }
}

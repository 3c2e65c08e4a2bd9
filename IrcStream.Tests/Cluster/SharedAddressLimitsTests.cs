using System.Net;
using System.Net.Http.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>In Redis mode the connection rate limit and the streams per address count one client across every node.</summary>
[Collection("Redis")]
public sealed class SharedAddressLimitsTests(RedisFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private (GatewayHost A, GatewayHost B) TwoNodes(Dictionary<string, string?> settings)
    {
        var prefix = RedisFixture.UniquePrefix("address-limits");
        var a = GatewayHost.StartNode(fixture.Server, prefix, settings);
        try
        {
            return (a, GatewayHost.StartNode(fixture.Server, prefix, settings));
        }
        catch
        {
            _ = a.DisposeAsync().AsTask();
            throw;
        }
    }


    [Fact]
    public async Task TheConnectionRateLimitCountsAClientOnBothNodesTogether()
    {
        var (a, b) = TwoNodes(new() { ["IrcStream:ConnectionRateLimit:PermitLimit"] = "2" });
        await using var nodeA = a;
        await using var nodeB = b;
        await a.NewBrowserFrom("2001:db8:7:7::1").ConnectAsync(nick: "r1");
        await b.NewBrowserFrom("2001:db8:7:7::2").ConnectAsync(nick: "r2");

        using (var refused = await a.NewBrowserFrom("2001:db8:7:7::3").Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "r3" }, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain("too many IRC connections");
            refused.Headers.RetryAfter.Should().NotBeNull();
        }
        await b.NewBrowserFrom("2001:db8:7:8::1").ConnectAsync(nick: "other");
    }

    [Fact]
    public async Task StreamsOfOneAddressAreBoundedAcrossBothNodesAndGivenBackWhenClosed()
    {
        var (a, b) = TwoNodes(new() { ["IrcStream:MaxStreamsPerAddress"] = "1" });
        await using var nodeA = a;
        await using var nodeB = b;
        var onA = a.NewBrowserFrom("198.51.100.30");
        var onB = b.NewBrowserFrom("198.51.100.30");
        var idA = await onA.ConnectAsync(nick: "sa");
        var idB = await onB.ConnectAsync(nick: "sb");

        var open = await onA.OpenEventsAsync(idA);
        using (var refused = await onB.Http.GetAsync($"/api/connections/{idB}/events", HttpCompletionOption.ResponseHeadersRead, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain("from your network address").And.NotContain("IrcStream:");
        }

        await open.DisposeAsync();
        // The stream's end reaches node A's server, which gives the slot back in Redis: wait for it, bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var response = await onB.Http.GetAsync($"/api/connections/{idB}/events", HttpCompletionOption.ResponseHeadersRead, Token);
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.OK) break;
                response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            }
            DateTime.UtcNow.Should().BeBefore(deadline, "the closed stream's slot is given back within 20 s");
            await Task.Delay(100, Token);
        }
    }
}

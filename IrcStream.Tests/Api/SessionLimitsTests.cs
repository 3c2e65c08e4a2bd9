using System.Net;
using System.Net.Http.Json;
using IrcStream.Api.Sessions;
using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Api;

public sealed class SessionLimitsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static HttpClient CookieLess(GatewayHost host, string? forwardedFor = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
        if (forwardedFor is not null) client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    /// <summary>A session starts when someone connects: POST /api/connections (to the fake engine).</summary>
    private static Task<HttpResponseMessage> ConnectAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token);

    private static SessionLimits Limits(GatewayHost host) => host.Services.GetRequiredService<MemorySessionStore>().Limits;

    /// <summary>Waits until the gateway counts <paramref name="expected"/> sessions; fails the test when it does not within 10 s.</summary>
    private static async Task CountBecomesAsync(SessionLimits limits, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (limits.Count != expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The gateway still counts {limits.Count} sessions after 10 s, not {expected}.");
            await Task.Delay(20, Token);
        }
    }

    [Fact]
    public async Task AFullGatewayRefusesANewSessionWith503AndStillServesAnExistingOne()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxSessions"] = "2" });
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        await alice.ConnectAsync(nick: "alice");
        await bob.ConnectAsync(nick: "bob");

        using var stranger = CookieLess(host);
        using (var looking = await stranger.GetAsync("/api/connections", Token))
            looking.StatusCode.Should().Be(HttpStatusCode.OK, "listing needs no session, so a full gateway still shows the page");
        using var refused = await ConnectAsync(stranger);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("detail").GetString().Should().Contain("Try again in a few minutes").And.NotContain("IrcStream:");
        refused.Headers.Contains("Set-Cookie").Should().BeFalse("no session was made");

        var second = await alice.ConnectAsync(nick: "alice2");
        using var list = await alice.Http.GetAsync($"/api/connections/{second}", Token);
        list.StatusCode.Should().Be(HttpStatusCode.OK, "a request with a valid session is never refused by the cap");
        Limits(host).Count.Should().Be(2);
    }

    [Fact]
    public async Task AnAddressOverItsCapGets429WhileItsSessionsAndOtherAddressesAreServed()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxSessionsPerAddress"] = "2" });
        var browsers = new[] { host.NewBrowser(), host.NewBrowser() };
        foreach (var browser in browsers) browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        foreach (var browser in browsers)
        {
            using var created = await ConnectAsync(browser.Http);
            created.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var third = CookieLess(host, "203.0.113.7");
        using (var looking = await third.GetAsync("/api/connections", Token))
        {
            looking.StatusCode.Should().Be(HttpStatusCode.OK, "opening the page behind a busy address takes no session");
            looking.Headers.Contains("Set-Cookie").Should().BeFalse();
        }
        using var refused = await ConnectAsync(third);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString().Should().Contain("10 minutes").And.Contain("Try again in a few minutes").And.NotContain("IrcStream:");
        refused.Headers.Contains("Set-Cookie").Should().BeFalse();

        using (var again = await ConnectAsync(browsers[0].Http))
            again.StatusCode.Should().Be(HttpStatusCode.Created, "the address's existing sessions go on");
        using var elsewhere = CookieLess(host, "203.0.113.8");
        using (var other = await ConnectAsync(elsewhere))
            other.StatusCode.Should().Be(HttpStatusCode.Created, "the cap is per address, judged after the trusted proxy's X-Forwarded-For");
        Limits(host).CountFor("203.0.113.7").Should().Be(2);
        Limits(host).CountFor("203.0.113.8").Should().Be(1);
    }

    [Fact]
    public async Task ConcurrentRequestsForNewSessionsNeverGetMoreThanTheCap()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxSessions"] = "10" });
        using var client = CookieLess(host);
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => ConnectAsync(client)));
        try
        {
            responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(10);
            responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).Should().Be(50);
            Limits(host).Count.Should().Be(10);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task AnExpiredSessionGivesItsSlotBack()
    {
        // The idle clock runs on a fake time, so the session cannot expire before the gateway is seen full, however slow the machine.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:MaxSessions"] = "1",
            ["IrcStream:SessionIdleTimeout"] = "00:05:00",
        }, services: s => s.AddSingleton<TimeProvider>(time));
        var alice = host.NewBrowser();
        var id = await alice.ConnectAsync();
        using var bob = CookieLess(host);
        using (var full = await ConnectAsync(bob))
            full.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        time.Advance(TimeSpan.FromMinutes(5));
        (await host.Fakes![id].Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Session expired");
        await CountBecomesAsync(Limits(host), 0);
        using var served = await ConnectAsync(bob);
        served.StatusCode.Should().Be(HttpStatusCode.Created, "the expired session's slot is free again");
        Limits(host).Count.Should().Be(1);
    }

    [Fact]
    public async Task ShutdownGivesEverySlotBack()
    {
        await using var host = GatewayHost.Start();
        var limits = Limits(host);
        await host.NewBrowser().ConnectAsync();
        await host.NewBrowser().ConnectAsync();
        limits.Count.Should().Be(2);

        await host.StopAsync();
        limits.Count.Should().Be(0);
        limits.CountFor("127.0.0.1").Should().Be(0);
    }
}

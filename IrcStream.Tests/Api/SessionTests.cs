using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Sessions;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

public sealed class SessionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single(v => v.StartsWith(SessionCookie.Name + "=", StringComparison.Ordinal)) : "";

    [Fact]
    public async Task FirstApiRequestGetsAStrictHttpOnlyRandomSessionCookie()
    {
        await using var host = GatewayHost.Start();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };

        using var first = await client.GetAsync("/api/connections", Token);
        using var second = await client.GetAsync("/api/connections", Token);
        var cookie = SetCookie(first);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries);
        attributes.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("path=/");
        attributes.Should().NotContain("secure", "the request was plain HTTP");
        var value = attributes[0][(SessionCookie.Name.Length + 1)..];
        value.Should().MatchRegex("^[A-Za-z0-9_-]+$");
        (value.Length * 6).Should().BeGreaterThanOrEqualTo(128, "at least 128 random bits");
        SetCookie(second).Should().NotBe(cookie, "every cookie-less request gets its own new session");

        using var health = await client.GetAsync("/healthz", Token);
        health.Headers.Contains("Set-Cookie").Should().BeFalse("only /api requests get a session");
    }

    [Fact]
    public async Task CookieIsSecureWhenTheRequestIsHttpsBehindATrustedProxy()
    {
        await using var host = GatewayHost.Start();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/connections");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request, Token);
        SetCookie(response).Split(';', StringSplitOptions.TrimEntries).Should().Contain("secure");
    }

    [Fact]
    public async Task AKnownCookieKeepsItsSessionAndAnUnknownOneGetsANewSession()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        using (var again = await browser.Http.GetAsync("/api/connections", Token))
            again.Headers.Contains("Set-Cookie").Should().BeFalse("the session is still valid");

        using var forged = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/connections/{id}");
        request.Headers.Add("Cookie", $"{SessionCookie.Name}=forged");
        using var response = await forged.SendAsync(request, Token);
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        SetCookie(response).Should().NotBeEmpty();
    }

    [Fact]
    public async Task TwoSessionsAreIsolated()
    {
        await using var host = GatewayHost.Start();
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        var a = await alice.ConnectAsync(nick: "alice");
        var b = await bob.ConnectAsync(nick: "bob");
        host.Fakes![a].Receive(":x PRIVMSG alice :for alice");
        host.Fakes[b].Receive(":x PRIVMSG bob :for bob");

        (await alice.PollAsync(a, 2, 0))[0].GetProperty("params")[1].GetString().Should().Be("for alice");
        (await bob.PollAsync(b, 2, 0))[0].GetProperty("params")[1].GetString().Should().Be("for bob");
        using (var denied = await bob.Http.GetAsync($"/api/connections/{a}/poll?since=0&timeout=0", Token))
            denied.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token))!.Should().ContainSingle();
    }

    [Fact]
    public async Task AnIdleSessionExpiresOnTimeAndQuitsItsConnectionsWithoutAnyRequest()
    {
        // Timeouts in whole seconds here and below: a loaded machine can take a few hundred ms between two requests.
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:SessionIdleTimeout"] = "00:00:02" });
        var browser = host.NewBrowser();
        var first = await browser.ConnectAsync();
        // Before the last request: the session's idle time starts during it, however long the answer takes to come back.
        var started = DateTime.UtcNow;
        var second = await browser.ConnectAsync();
        var fakes = new[] { host.Fakes![first], host.Fakes[second] };

        var reasons = await Task.WhenAll(fakes.Select(f => f.Closed)).WaitAsync(TimeSpan.FromSeconds(10), Token);
        reasons.Should().AllBe("Session expired");
        (DateTime.UtcNow - started).Should().BeGreaterThan(TimeSpan.FromMilliseconds(1500), "the session was idle for its timeout first");
        fakes.Should().AllSatisfy(f =>
        {
            f.SentLines.Should().ContainSingle(l => l.StartsWith("QUIT", StringComparison.Ordinal));
            f.Events.IsCompleted.Should().BeTrue();
        });

        using var after = await browser.Http.GetAsync($"/api/connections/{first}", Token);
        after.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnOpenStreamKeepsItsSessionAlive()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:SessionIdleTimeout"] = "00:00:02",
            ["IrcStream:KeepAliveInterval"] = "00:00:00.500",
        });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        await using var stream = await browser.OpenEventsAsync(id, lastEventId: 2);

        // Read keepalives for three idle timeouts; the connection must stay open throughout.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        while (DateTime.UtcNow < until)
        {
            var item = await stream.NextAsync(TimeSpan.FromSeconds(5));
            item.Should().NotBeNull();
            item!.Value.EventType.Should().Be("keepalive", "the connection must not be closed while its stream is open");
        }
        host.Fakes![id].Closed.IsCompleted.Should().BeFalse();
        using var stillThere = await browser.Http.GetAsync($"/api/connections/{id}", Token);
        stillThere.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWaitingPollKeepsItsSessionAlive()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:SessionIdleTimeout"] = "00:00:02" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var events = await browser.PollAsync(id, since: 2, timeoutSeconds: 5);
        events.Should().BeEmpty();
        host.Fakes![id].Closed.IsCompleted.Should().BeFalse();
        using var stillThere = await browser.Http.GetAsync($"/api/connections/{id}", Token);
        stillThere.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

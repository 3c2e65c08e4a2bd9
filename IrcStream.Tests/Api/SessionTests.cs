using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Sessions;
using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IrcStream.Tests.Api;

public sealed class SessionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single(v => v.StartsWith(SessionCookie.Name + "=", StringComparison.Ordinal)) : "";

    private static Task<HttpResponseMessage> ConnectAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token);

    [Fact]
    public async Task OpeningThePageTakesNoSessionAndConnectingGetsAStrictHttpOnlyRandomCookie()
    {
        await using var host = GatewayHost.Start();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };

        foreach (var path in new[] { "/", "/api/config", "/api/connections", "/api/connections/nope", "/api/connections/nope/poll?timeout=0", "/healthz" })
        {
            using var look = await client.GetAsync(path, Token);
            look.Headers.Contains("Set-Cookie").Should().BeFalse($"GET {path} starts no session: one starts when the person connects");
        }
        using (var list = await client.GetAsync("/api/connections", Token))
        {
            list.StatusCode.Should().Be(HttpStatusCode.OK);
            (await list.Content.ReadFromJsonAsync<JsonElement[]>(Token)).Should().BeEmpty();
        }
        host.Services.GetRequiredService<MemorySessionStore>().Count.Should().Be(0);

        using var first = await ConnectAsync(client);
        using var second = await ConnectAsync(client);
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        var cookie = SetCookie(first);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries);
        attributes.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("path=/");
        attributes.Should().NotContain("secure", "the request was plain HTTP").And.NotContain("partitioned");
        var value = attributes[0][(SessionCookie.Name.Length + 1)..];
        value.Should().MatchRegex("^[A-Za-z0-9_-]+$");
        (value.Length * 6).Should().BeGreaterThanOrEqualTo(128, "at least 128 random bits");
        SetCookie(second).Should().NotBe(cookie, "every cookie-less connect gets its own new session");
    }

    [Fact]
    public async Task CookieIsSecureWhenTheRequestIsHttpsBehindATrustedProxy()
    {
        await using var host = GatewayHost.Start();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { server = "127.0.0.1:6667", nick = "guest" }) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request, Token);
        SetCookie(response).Split(';', StringSplitOptions.TrimEntries).Should().Contain("secure");
    }

    [Fact]
    public async Task WhenTheClientMayBeEmbeddedTheCookieIsOneACrossSiteFrameKeeps()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:WebClient:FrameAncestors:0"] = "https://www.example.org" });
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var response = await ConnectAsync(client);
        var attributes = SetCookie(response).ToLowerInvariant().Split(';', StringSplitOptions.TrimEntries);
        attributes.Should().Contain("samesite=none").And.Contain("secure").And.Contain("partitioned").And.Contain("httponly");
    }

    [Fact]
    public async Task AKnownCookieKeepsItsSessionAndAnUnknownOneGetsANewSessionOnlyWhenItConnects()
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
        SetCookie(response).Should().BeEmpty("looking starts no session");

        using var connect = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { server = "127.0.0.1:6667", nick = "guest" }) };
        connect.Headers.Add("Cookie", $"{SessionCookie.Name}=forged");
        using var connected = await forged.SendAsync(connect, Token);
        connected.StatusCode.Should().Be(HttpStatusCode.Created);
        SetCookie(connected).Should().NotBeEmpty();
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

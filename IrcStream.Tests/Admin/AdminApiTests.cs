using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Admin;

/// <summary>The admin API on a gateway that runs alone: keys, listing, closes, bans.</summary>
public sealed class AdminApiTests
{
    public const string Key = "s3cret-admin-key-for-tests";
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static Dictionary<string, string?> AdminSettings() => new()
    {
        ["IrcStream:Admin:Keys:0:Name"] = "alice",
        ["IrcStream:Admin:Keys:0:Sha256"] = Sha256(Key),
        ["IrcStream:Admin:Keys:1:Name"] = "script",
        ["IrcStream:Admin:Keys:1:Sha256"] = Sha256("another-key"),
    };

    public static HttpClient Admin(Uri baseAddress, string key = Key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }


    [Fact]
    public async Task WithoutAKeyConfiguredThereIsNoAdminApi()
    {
        await using var host = GatewayHost.Start();
        using var admin = Admin(host.BaseAddress);
        using var response = await admin.GetAsync("/admin/connections", Token);
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task ARequestWithoutAValidKeyGets401(string? key)
    {
        await using var host = GatewayHost.Start(AdminSettings());
        using var client = key is null ? new HttpClient { BaseAddress = host.BaseAddress } : Admin(host.BaseAddress, key);
        using var response = await client.GetAsync("/admin/bans", Token);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString().Should().Contain("Authorization: Bearer");
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        using var second = await Admin(host.BaseAddress, "another-key").GetAsync("/admin/bans", Token);
        second.StatusCode.Should().Be(HttpStatusCode.OK, "every configured key is accepted");
    }

    [Fact]
    public async Task AdminRequestsHaveTheirOwnRateLimit()
    {
        var settings = AdminSettings();
        settings["IrcStream:Admin:RateLimit:PermitLimit"] = "3";
        await using var host = GatewayHost.Start(settings);
        using var admin = Admin(host.BaseAddress);
        for (var i = 0; i < 3; i++)
        {
            using var served = await admin.GetAsync("/admin/bans", Token);
            served.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using var refused = await admin.GetAsync("/admin/bans", Token);
        (await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString().Should().Contain("IrcStream:Admin:RateLimit");
        await host.NewBrowser().ConnectAsync(nick: "stillserved");
    }

    [Fact]
    public async Task AMistypedKeyHashStopsTheGatewayAtStart()
    {
        var settings = AdminSettings();
        settings["IrcStream:Admin:Keys:0:Sha256"] = Key;
        var start = () => GatewayHost.Start(settings);
        start.Should().Throw<Exception>().Where(e => e.ToString().Contains("IrcStream:Admin:Keys:0:Sha256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionsAreListedAndFilteredWithTheirAddressSessionAndState()
    {
        await using var host = GatewayHost.Start(AdminSettings());
        var alice = host.NewBrowserFrom("198.51.100.7");
        var bob = host.NewBrowserFrom("2001:db8:1:2::5");
        var aliceId = await alice.ConnectAsync(nick: "alice", channels: ["#one"]);
        var bobId = await bob.ConnectAsync(server: "localhost:6667", nick: "bob", channels: ["#two"]);
        using var admin = Admin(host.BaseAddress);

        var all = await admin.GetFromJsonAsync<JsonElement[]>("/admin/connections", Token);
        all.Should().HaveCount(2);
        var first = all!.Single(c => c.GetProperty("id").GetString() == aliceId);
        first.GetProperty("nick").GetString().Should().Be("alice");
        first.GetProperty("server").GetString().Should().Be("127.0.0.1:6667");
        first.GetProperty("clientAddress").GetString().Should().Be("198.51.100.7");
        first.GetProperty("state").GetString().Should().Be("connected");
        first.GetProperty("sessionId").GetString().Should().HaveLength(64);
        first.GetProperty("created").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        first.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("#one");

        async Task<string[]> Ids(string query) =>
            [.. (await admin.GetFromJsonAsync<JsonElement[]>($"/admin/connections?{query}", Token))!.Select(c => c.GetProperty("id").GetString()!)];
        (await Ids("address=198.51.100.0/24")).Should().Equal(aliceId);
        (await Ids("address=2001:db8:1::/48")).Should().Equal(bobId);
        (await Ids("nick=BOB")).Should().Equal(bobId);
        (await Ids("channel=%23one")).Should().Equal(aliceId);
        (await Ids("server=localhost:6667")).Should().Equal(bobId);
        (await Ids("address=203.0.113.1")).Should().BeEmpty();

        using var bad = await admin.GetAsync("/admin/connections?address=not-an-address", Token);
        (await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("address").ToString().Should().Contain("CIDR");
    }

    [Fact]
    public async Task ClosingAConnectionTellsTheUserTheReasonAndTheServerTheConfiguredQuit()
    {
        var settings = AdminSettings();
        settings["IrcStream:Admin:QuitReason"] = "Closed by staff";
        await using var host = GatewayHost.Start(settings);
        var alice = host.NewBrowser();
        var id = await alice.ConnectAsync(nick: "alice");
        var other = await alice.ConnectAsync(nick: "alice2");
        await using var stream = await alice.OpenEventsAsync(id);
        using var admin = Admin(host.BaseAddress);

        using (var closed = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/admin/connections/{id}") { Content = JsonContent.Create(new { reason = "spam in #help" }) }, Token))
            closed.StatusCode.Should().Be(HttpStatusCode.NoContent, await closed.Content.ReadAsStringAsync(Token));

        (await host.Fakes![id].Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Closed by staff");
        var told = new List<string>();
        while (await stream.NextEventAsync(TimeSpan.FromSeconds(10)) is { } item) told.Add(item.Data);
        told.Should().Contain(d => d.Contains("\"ERROR\"", StringComparison.Ordinal) && d.Contains("spam in #help", StringComparison.Ordinal));
        told[^1].Should().Contain("CLOSED");

        using (var gone = await alice.Http.GetAsync($"/api/connections/{id}", Token)) gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var listed = await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token);
        listed!.Select(c => c.GetProperty("id").GetString()).Should().Equal(other);
        using (var again = await admin.DeleteAsync($"/admin/connections/{id}", Token))
            await again.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using (var tooLong = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/admin/connections/{other}") { Content = JsonContent.Create(new { reason = new string('x', 301) }) }, Token))
            await tooLong.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        host.Fakes[other].Closed.IsCompleted.Should().BeFalse("a refused close closes nothing");
    }

    [Fact]
    public async Task EndingASessionClosesItsConnectionsAndItsCookieNoLongerServes()
    {
        await using var host = GatewayHost.Start(AdminSettings());
        var alice = host.NewBrowser();
        var ids = new[] { await alice.ConnectAsync(nick: "a1"), await alice.ConnectAsync(nick: "a2") };
        var bobId = await host.NewBrowser().ConnectAsync(nick: "bob");
        using var admin = Admin(host.BaseAddress);
        var session = (await admin.GetFromJsonAsync<JsonElement[]>("/admin/connections?nick=a1", Token))!.Single().GetProperty("sessionId").GetString();

        using (var ended = await admin.DeleteAsync($"/admin/sessions/{session}", Token))
            ended.StatusCode.Should().Be(HttpStatusCode.NoContent, await ended.Content.ReadAsStringAsync(Token));
        foreach (var id in ids) (await host.Fakes![id].Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Closed by the gateway's operator");
        host.Fakes![bobId].Closed.IsCompleted.Should().BeFalse();
        (await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token)).Should().BeEmpty("the old cookie names no session; a new, empty one was made");
        using var again = await admin.DeleteAsync($"/admin/sessions/{session}", Token);
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABanRefusesNewSessionsAndConnectionsWith403AndClosesOpenOnesWhenAsked()
    {
        await using var host = GatewayHost.Start(AdminSettings());
        var mallory = host.NewBrowserFrom("2001:db8:bad:1::1");
        var malloryId = await mallory.ConnectAsync(nick: "mallory");
        var bobId = await host.NewBrowserFrom("198.51.100.9").ConnectAsync(nick: "bob");
        using var admin = Admin(host.BaseAddress);

        using var created = await admin.PostAsJsonAsync("/admin/bans", new { address = "2001:db8:bad:1::2", minutes = 60, reason = "flooding", closeConnections = true }, Token);
        var body = await created.Content.ReadAsStringAsync(Token);
        created.StatusCode.Should().Be(HttpStatusCode.Created, body);
        var ban = JsonDocument.Parse(body).RootElement;
        var banId = ban.GetProperty("id").GetString();
        ban.GetProperty("address").GetString().Should().Be("2001:db8:bad:1::/64", "a ban on an IPv6 address holds its /64");
        ban.GetProperty("closedConnections").GetInt32().Should().Be(1);
        created.Headers.Location!.ToString().Should().Be($"/admin/bans/{banId}");
        (await host.Fakes![malloryId].Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Closed by the gateway's operator");
        host.Fakes[bobId].Closed.IsCompleted.Should().BeFalse();

        using (var refused = await mallory.Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "again" }, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            problem.GetProperty("detail").GetString().Should().Contain("flooding").And.Contain("UTC").And.Contain("2001:db8:bad:1::/64");
        }
        using (var newSession = await host.NewBrowserFrom("2001:db8:bad:1:ffff::9").Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "guest" }, Token))
        {
            await newSession.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            newSession.Headers.Contains("Set-Cookie").Should().BeFalse("a banned address gets no session");
        }

        var bans = await admin.GetFromJsonAsync<JsonElement[]>("/admin/bans", Token);
        bans.Should().ContainSingle().Which.GetProperty("by").GetString().Should().Be("alice");
        using (var lifted = await admin.DeleteAsync($"/admin/bans/{banId}", Token)) lifted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await mallory.ConnectAsync(nick: "mallory");
        using (var again = await admin.DeleteAsync($"/admin/bans/{banId}", Token)) await again.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABadBanIsRefusedWithEveryFieldNamed()
    {
        await using var host = GatewayHost.Start(AdminSettings());
        using var admin = Admin(host.BaseAddress);
        using var refused = await admin.PostAsJsonAsync("/admin/bans", new { address = "10.0.0.300", minutes = 0 }, Token);
        var errors = (await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        errors.GetProperty("address").ToString().Should().Contain("10.0.0.300");
        errors.GetProperty("minutes").ToString().Should().Contain("minutes");
        errors.GetProperty("reason").ToString().Should().Contain("reason");
        using var malformed = await admin.PostAsync("/admin/bans", new StringContent("{", Encoding.UTF8, "application/json"), Token);
        await malformed.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await admin.GetFromJsonAsync<JsonElement[]>("/admin/bans", Token)).Should().BeEmpty();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IrcStream.Domain.Connections;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

public sealed class ConnectionsApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostJsonAsync(Browser browser, string json) =>
        browser.Http.PostAsync("/api/connections", new StringContent(json, Encoding.UTF8, "application/json"), Token);

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> CreateAsync(Browser browser, string json)
    {
        var response = await PostJsonAsync(browser, json);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task CreateAnswers201WithLocationAndTheConnectionObject()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();

        var (response, body) = await CreateAsync(browser,
            """{"server":"127.0.0.1:6697","tls":true,"nick":"alice","username":"al","realname":"Alice A","password":"pw","sasl":{"account":"alice","password":"s3 cret"},"channels":["#ircstream","#test"]}""");

        response.StatusCode.Should().Be(HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        response.Headers.Location!.ToString().Should().Be($"/api/connections/{id}");
        id.Should().MatchRegex("^[A-Za-z0-9_-]{16,}$");
        body.GetProperty("server").GetString().Should().Be("127.0.0.1:6697");
        body.GetProperty("tls").GetBoolean().Should().BeTrue();
        body.GetProperty("state").GetString().Should().Be("connected");
        body.GetProperty("nick").GetString().Should().Be("alice");
        body.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("#ircstream", "#test");
        body.GetProperty("lastSeq").GetInt64().Should().Be(2);

        var fake = host.Fakes![id];
        fake.Started.Should().BeTrue();
        fake.Options.Should().BeEquivalentTo(new
        {
            ConnectionId = id, Host = "127.0.0.1", Port = 6697, Tls = true, Nick = "alice", Username = "al",
            Realname = "Alice A", Password = "pw", Sasl = new SaslCredentials("alice", "s3 cret"), Webirc = (WebircIdentity?)null,
        });
        fake.Options.Channels.Should().Equal("#ircstream", "#test");
    }

    [Theory]
    [InlineData("127.0.0.1", false, "127.0.0.1:6667")]
    [InlineData("127.0.0.1", true, "127.0.0.1:6697")]
    [InlineData("LOCALHOST:7000", false, "localhost:7000")]
    [InlineData("[::1]:6667", false, "[::1]:6667")]
    [InlineData("[::1]", true, "[::1]:6697")]
    public async Task ServerFormsAndDefaultPorts(string server, bool tls, string expected)
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:AllowedServers:2"] = "[::1]:*" });
        var browser = host.NewBrowser();
        var (response, body) = await CreateAsync(browser, JsonSerializer.Serialize(new { server, tls }));
        response.StatusCode.Should().Be(HttpStatusCode.Created, body.ToString());
        body.GetProperty("server").GetString().Should().Be(expected);
        body.GetProperty("nick").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("""{"tls":true}""", "server")]
    [InlineData("""{"server":""}""", "server")]
    [InlineData("""{"server":"irc.example.net:0"}""", "server")]
    [InlineData("""{"server":"irc.example.net:70000"}""", "server")]
    [InlineData("""{"server":"irc.example.net:abc"}""", "server")]
    [InlineData("""{"server":"::1:6667"}""", "server")]
    [InlineData("""{"server":"[::1:6667"}""", "server")]
    [InlineData("""{"server":"bad_host!:6667"}""", "server")]
    [InlineData("""{"server":"irc.example.net 6667"}""", "server")]
    [InlineData("""{"server":"127.0.0.1:6667","nick":"1abc"}""", "nick")]
    [InlineData("""{"server":"127.0.0.1:6667","nick":"al ice"}""", "nick")]
    [InlineData("""{"server":"127.0.0.1:6667","nick":""}""", "nick")]
    [InlineData("""{"server":"127.0.0.1:6667","username":"a@b"}""", "username")]
    [InlineData("""{"server":"127.0.0.1:6667","realname":"a\r\nQUIT"}""", "realname")]
    [InlineData("""{"server":"127.0.0.1:6667","password":"a\u0000b"}""", "password")]
    [InlineData("""{"server":"127.0.0.1:6667","channels":["nochan"]}""", "channels")]
    [InlineData("""{"server":"127.0.0.1:6667","channels":["#a,#b"]}""", "channels")]
    [InlineData("""{"server":"127.0.0.1:6667","channels":["#a b"]}""", "channels")]
    [InlineData("""{"server":"127.0.0.1:6667","sasl":{"account":"","password":"x"}}""", "sasl.account")]
    [InlineData("""{"server":"127.0.0.1:6667","sasl":{"account":"a"}}""", "sasl.password")]
    public async Task InvalidFieldIs400WithErrorsByField(string json, string field)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        using var response = await PostJsonAsync(browser, json);
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("errors").TryGetProperty(field, out var messages).Should().BeTrue(body.ToString());
        messages.EnumerateArray().Should().NotBeEmpty();
        host.Fakes!.Created.Should().BeEmpty();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"server": 12}""")]
    [InlineData("")]
    public async Task MalformedJsonIs400Problem(string json)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        using var response = await PostJsonAsync(browser, json);
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("irc.example.net:6667")]
    [InlineData("127.0.0.2:6667")]
    public async Task ServerNotInAllowedServersIs403(string server)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        using var response = await PostJsonAsync(browser, JsonSerializer.Serialize(new { server }));
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        host.Fakes!.Created.Should().BeEmpty();
    }

    [Fact]
    public async Task WildcardEntryAllowsPublicServersButNeverInternalAddresses()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = "*:6667",
            ["IrcStream:AllowedServers:1"] = "*.example.net:*",
        });
        var browser = host.NewBrowser();

        foreach (var internalServer in new[] { "127.0.0.1:6667", "10.1.2.3:6667", "169.254.169.254:6667", "192.168.1.1:6667", "[::1]:6667", "[fe80::1]:6667" })
        {
            using var response = await PostJsonAsync(browser, JsonSerializer.Serialize(new { server = internalServer }));
            var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        var id = await browser.ConnectAsync("irc.example.net:7000");
        var check = host.Fakes![id].Options.IsAddressAllowed;
        check.Should().NotBeNull("a wildcard entry must have each resolved address checked at connect time");
        check!(IPAddress.Parse("93.184.216.34")).Should().BeTrue();
        foreach (var inside in new[] { "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.100.100.200", "::1", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0" })
            check(IPAddress.Parse(inside)).Should().BeFalse(inside);
    }

    [Fact]
    public async Task LiteralEntryAllowsItsInternalHost()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:AllowedServers:0"] = "localhost:6667" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync("localhost:6667");
        host.Fakes![id].Options.IsAddressAllowed.Should().BeNull();
    }

    [Fact]
    public async Task ListAndGetShowOnlyTheSessionsOwnConnections()
    {
        await using var host = GatewayHost.Start();
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        var a1 = await alice.ConnectAsync(nick: "alice");
        var a2 = await alice.ConnectAsync(nick: "alice2");
        var b1 = await bob.ConnectAsync(nick: "bob");

        var aliceList = await alice.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token);
        aliceList!.Select(c => c.GetProperty("id").GetString()).Should().Equal(a1, a2);
        var bobList = await bob.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token);
        bobList!.Select(c => c.GetProperty("id").GetString()).Should().Equal(b1);

        var one = await alice.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{a2}", Token);
        one.GetProperty("nick").GetString().Should().Be("alice2");

        foreach (var path in new[] { $"/api/connections/{b1}", $"/api/connections/{b1}/poll?timeout=0", $"/api/connections/{b1}/events" })
        {
            using var response = await alice.Http.GetAsync(path, Token);
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
        using (var lines = await alice.PostLinesAsync(b1, "PRIVMSG #x :hi"))
            lines.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using (var delete = await alice.Http.DeleteAsync($"/api/connections/{b1}", Token))
            delete.StatusCode.Should().Be(HttpStatusCode.NotFound);
        host.Fakes![b1].SentLines.Should().BeEmpty();
        host.Fakes[b1].Closed.IsCompleted.Should().BeFalse();

        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using var noSession = await anonymous.GetAsync($"/api/connections/{a1}", Token);
        noSession.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteQuitsAnswers204EmitsClosedAndLaterRequestsGet404()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var fake = host.Fakes![id];

        using var response = await browser.Http.DeleteAsync($"/api/connections/{id}", Token);
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await fake.Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().NotBeNullOrEmpty();
        fake.SentLines.Should().ContainSingle(l => l.StartsWith("QUIT", StringComparison.Ordinal));
        fake.Events.IsCompleted.Should().BeTrue();
        fake.Disposed.Should().BeTrue();

        using var again = await browser.Http.GetAsync($"/api/connections/{id}", Token);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var deleteAgain = await browser.Http.DeleteAsync($"/api/connections/{id}", Token);
        deleteAgain.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await browser.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token))!.Should().BeEmpty();
    }

    private static Task<HttpResponseMessage> PatchJsonAsync(Browser browser, string id, string json, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/connections/{id}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (origin is not null) request.Headers.Add("Origin", origin);
        return browser.Http.SendAsync(request, Token);
    }

    [Fact]
    public async Task PatchSetsTheSaslLoginForTheNextRegistrationAndAnswersTheConnectionObject()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        using var response = await PatchJsonAsync(browser, id, """{"sasl":{"account":"alice","password":"new s3cret"}}""");

        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        JsonDocument.Parse(text).RootElement.GetProperty("id").GetString().Should().Be(id);
        host.Fakes![id].Options.Sasl.Should().Be(new SaslCredentials("alice", "new s3cret"));
        host.Fakes[id].SentLines.Should().BeEmpty("the login is for the next registration; nothing goes to IRC now");
    }

    [Theory]
    [InlineData("""{}""", "sasl")]
    [InlineData("""{"sasl":null}""", "sasl")]
    [InlineData("""{"sasl":{"password":"pw"}}""", "sasl.account")]
    [InlineData("""{"sasl":{"account":"al ice","password":"pw"}}""", "sasl.account")]
    [InlineData("""{"sasl":{"account":"alice"}}""", "sasl.password")]
    [InlineData("""{"sasl":{"account":"alice","password":"a\r\nQUIT"}}""", "sasl.password")]
    public async Task PatchWithABadLoginIs400ByFieldAndKeepsTheOldOne(string json, string field)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        using var created = await PostJsonAsync(browser, """{"server":"127.0.0.1:6667","nick":"alice","sasl":{"account":"old","password":"old-pw"}}""");
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetString()!;

        using var response = await PatchJsonAsync(browser, id, json);

        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(body.ToString());
        host.Fakes![id].Options.Sasl.Should().Be(new SaslCredentials("old", "old-pw"));
    }

    [Fact]
    public async Task PatchOfAnotherSessionsConnectionIs404AndFromAnotherSiteIs403()
    {
        await using var host = GatewayHost.Start();
        var owner = host.NewBrowser();
        var id = await owner.ConnectAsync();
        const string login = """{"sasl":{"account":"mallory","password":"pw"}}""";

        using var stranger = await PatchJsonAsync(host.NewBrowser(), id, login);
        await stranger.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var crossSite = await PatchJsonAsync(owner, id, login, origin: "https://evil.example");
        await crossSite.ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        host.Fakes![id].Options.Sasl.Should().BeNull();
    }

    [Fact]
    public async Task SessionCapIs429()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxConnectionsPerSession"] = "2" });
        var browser = host.NewBrowser();
        await browser.ConnectAsync();
        var second = await browser.ConnectAsync();
        using var response = await PostJsonAsync(browser, """{"server":"127.0.0.1:6667"}""");
        await response.ShouldBeProblemAsync((HttpStatusCode)429);
        host.Fakes!.Created.Should().HaveCount(2, "the refused request made no connection");

        // Closing one makes room again; another session has its own cap.
        using (var deleted = await browser.Http.DeleteAsync($"/api/connections/{second}", Token))
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await browser.ConnectAsync();
        await host.NewBrowser().ConnectAsync();
    }

    [Fact]
    public async Task ConnectionCreationIsRateLimitedPerClientAddress()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "3",
            ["IrcStream:ConnectionRateLimit:Window"] = "00:10:00",
        });
        // New sessions each time: dropping the cookie must not get around the limit.
        for (var i = 0; i < 3; i++) await host.NewBrowser().ConnectAsync();
        using var response = await PostJsonAsync(host.NewBrowser(), """{"server":"127.0.0.1:6667"}""");
        var body = await response.ShouldBeProblemAsync((HttpStatusCode)429);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task TwoSpellingsOfOneClientAddressShareOneConnectionRateLimit()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "2",
            ["IrcStream:ConnectionRateLimit:Window"] = "00:10:00",
        });
        // The gateway believes a proxy on loopback: each browser says, through it, which client it is.
        Browser From(string address)
        {
            var browser = host.NewBrowser();
            browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return browser;
        }

        // An IPv4 client on a dual-stack socket arrives as ::ffff:10.1.2.3: the same client as 10.1.2.3.
        await From("::ffff:10.1.2.3").ConnectAsync();
        await From("10.1.2.3").ConnectAsync();
        using var third = await PostJsonAsync(From("::ffff:10.1.2.3"), """{"server":"127.0.0.1:6667"}""");
        await third.ShouldBeProblemAsync((HttpStatusCode)429);

        await From("10.9.9.9").ConnectAsync();
    }

    [Fact]
    public async Task ForeignOriginOnPostOrDeleteIs403AndOwnOriginPasses()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var own = host.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var evil = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { server = "127.0.0.1:6667" }) };
        evil.Headers.Add("Origin", "https://evil.example");
        using var refused = await browser.Http.SendAsync(evil, Token);
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        host.Fakes!.Created.Should().BeEmpty();

        using var good = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { server = "127.0.0.1:6667" }) };
        good.Headers.Add("Origin", own);
        using var accepted = await browser.Http.SendAsync(good, Token);
        accepted.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetString()!;

        using var evilDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/connections/{id}");
        evilDelete.Headers.Add("Origin", "http://127.0.0.1:1");
        using var deleteRefused = await browser.Http.SendAsync(evilDelete, Token);
        deleteRefused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        host.Fakes[id].Closed.IsCompleted.Should().BeFalse();

        using var evilLines = new HttpRequestMessage(HttpMethod.Post, $"/api/connections/{id}/lines") { Content = JsonContent.Create(new { lines = new[] { "PRIVMSG #a :x" } }) };
        evilLines.Headers.Add("Origin", "null");
        using var linesRefused = await browser.Http.SendAsync(evilLines, Token);
        linesRefused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        host.Fakes[id].SentLines.Should().BeEmpty();
    }

    [Fact]
    public async Task BodyOver64KiBIs413()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var lines = Enumerable.Range(0, 200).Select(i => "PRIVMSG #a :" + new string('x', 400)).ToArray();

        using var sized = await browser.Http.PostAsJsonAsync($"/api/connections/{id}/lines", new { lines }, Token);
        await sized.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        // Chunked, so the limit is found while reading rather than from Content-Length.
        var json = JsonSerializer.Serialize(new { lines });
        using var chunked = new HttpRequestMessage(HttpMethod.Post, $"/api/connections/{id}/lines")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await browser.Http.SendAsync(chunked, Token);
        await streamed.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        host.Fakes![id].SentLines.Should().BeEmpty();
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs415Problem()
    {
        await using var host = GatewayHost.Start();
        using var response = await host.NewBrowser().Http.PostAsync("/api/connections", new StringContent("server=127.0.0.1:6667", Encoding.UTF8, "text/plain"), Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        host.Fakes!.Created.Should().BeEmpty();
    }

    [Fact]
    public async Task UnknownRouteIsProblemJson()
    {
        await using var host = GatewayHost.Start();
        using var response = await host.NewBrowser().Http.GetAsync("/api/nothing-here", Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}

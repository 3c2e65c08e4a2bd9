using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Cluster;
using IrcStream.Tests.Support;
using IrcStream.Tests.Web;

namespace IrcStream.Tests.Admin;

/// <summary>
/// Two gateway processes sharing a real redis-server in front of a real InspIRCd: what an operator does on one node
/// holds on the other. Each test writes how long that took (the aim is within 1 s) to TestResults/measurements.txt
/// (docs/BENCHMARKS.md): a measurement, never asserted.
/// </summary>
[Collection("InspIRCd")]
public sealed class AdminAcrossNodesTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["IrcStream__Admin__Keys__0__Name"] = "alice",
        ["IrcStream__Admin__Keys__0__Sha256"] = AdminApiTests.Sha256(AdminApiTests.Key),
        ["IrcStream__Admin__QuitReason"] = "Closed by staff",
    };

    [Fact]
    public async Task AConnectionHeldByNodeAIsListedAndClosedFromNodeB()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("admin-close", server.Port, settings: Settings);
        foreach (var browser in new[] { nodes.OnA, nodes.OnB }) browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        var channel = "#" + RawIrcClient.UniqueNick("adm");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);
        await using var stream = await nodes.OnA.OpenEventsAsync(id);

        using var adminB = AdminApiTests.Admin(nodes.B.BaseAddress);
        var listed = (await adminB.GetFromJsonAsync<JsonElement[]>("/admin/connections?address=198.51.100.0/24", Token))!;
        var item = listed.Should().ContainSingle().Subject;
        item.GetProperty("id").GetString().Should().Be(id);
        item.GetProperty("clientAddress").GetString().Should().Be("198.51.100.20");
        item.GetProperty("node").GetString().Should().NotBeNullOrEmpty();

        var clock = Stopwatch.StartNew();
        using (var closed = await adminB.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/admin/connections/{id}") { Content = JsonContent.Create(new { reason = "spamming" }) }, Token))
            closed.StatusCode.Should().Be(HttpStatusCode.NoContent, $"{await closed.Content.ReadAsStringAsync(Token)}{Environment.NewLine}A:{nodes.A.Output}");
        var quit = await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        Measurements.Record("admin close asked of node B, QUIT of node A's connection seen on IRC", $"{clock.ElapsedMilliseconds} ms");
        quit.Params[^1].Should().Contain("Closed by staff");
        var told = new List<string>();
        while (await stream.NextEventAsync(Patience) is { } next) told.Add(next.Data);
        told.Should().Contain(d => d.Contains("spamming", StringComparison.Ordinal), "the user reads the operator's reason in the log");
        using var gone = await nodes.OnB.Http.GetAsync($"/api/connections/{id}", Token);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABanMadeOnNodeBClosesTheConnectionsNodeAHoldsAndRefusesNodeA()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("admin-ban", server.Port, settings: Settings);
        var channel = "#" + RawIrcClient.UniqueNick("ban");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        using var mallory = new Browser(nodes.A.BaseAddress);
        mallory.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "2001:db8:bad:2::7");
        var id = await mallory.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        using var adminB = AdminApiTests.Admin(nodes.B.BaseAddress);
        var clock = Stopwatch.StartNew();
        using (var banned = await adminB.PostAsJsonAsync("/admin/bans", new { address = "2001:db8:bad:2::/64", minutes = 30, reason = "spam run", closeConnections = true }, Token))
        {
            var body = await banned.Content.ReadAsStringAsync(Token);
            banned.StatusCode.Should().Be(HttpStatusCode.Created, body);
            JsonDocument.Parse(body).RootElement.GetProperty("closedConnections").GetInt32().Should().Be(1);
        }
        var banAnswered = clock.ElapsedMilliseconds;
        (await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token)).Params[^1].Should().Contain("Closed by staff");
        Measurements.Record("ban made on node B with closeConnections, QUIT of node A's connection seen on IRC", $"{clock.ElapsedMilliseconds} ms");

        clock.Restart();
        using (var refused = await mallory.Http.PostAsJsonAsync("/api/connections", new { server = $"127.0.0.1:{server.Port}", nick = nick + "x" }, Token))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            problem.GetProperty("detail").GetString().Should().Contain("spam run");
        }
        Measurements.Record("ban made on node B, answered, then node A's refusal answered", $"{banAnswered} ms + {clock.ElapsedMilliseconds} ms");
        using var stranger = new HttpClient { BaseAddress = nodes.A.BaseAddress };
        stranger.DefaultRequestHeaders.Add("X-Forwarded-For", "2001:db8:bad:2::8");
        using (var newSession = await stranger.PostAsJsonAsync("/api/connections", new { server = $"127.0.0.1:{server.Port}", nick = nick + "s" }, Token))
        {
            var problem = await newSession.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            problem.GetProperty("detail").GetString().Should().Contain("spam run", "the ban refuses the new session, not the server");
        }

        using var adminA = AdminApiTests.Admin(nodes.A.BaseAddress);
        var bans = (await adminA.GetFromJsonAsync<JsonElement[]>("/admin/bans", Token))!;
        var banId = bans.Should().ContainSingle().Subject.GetProperty("id").GetString();
        using (var lifted = await adminA.DeleteAsync($"/admin/bans/{banId}", Token)) lifted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using (var served = await stranger.PostAsJsonAsync("/api/connections", new { server = $"127.0.0.1:{server.Port}", nick = nick + "t" }, Token)) served.StatusCode.Should().Be(HttpStatusCode.Created, "a ban lifted on node A is lifted on node A at once");
    }

    [Fact]
    public async Task ASessionEndedOnNodeBClosesItsConnectionOnNodeA()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("admin-session", server.Port, settings: Settings);
        var channel = "#" + RawIrcClient.UniqueNick("ses");
        var nick = RawIrcClient.UniqueNick("gw");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        using var adminB = AdminApiTests.Admin(nodes.B.BaseAddress);
        var session = (await adminB.GetFromJsonAsync<JsonElement[]>($"/admin/connections?nick={nick}", Token))!.Single().GetProperty("sessionId").GetString();
        var clock = Stopwatch.StartNew();
        using (var ended = await adminB.DeleteAsync($"/admin/sessions/{session}", Token))
            ended.StatusCode.Should().Be(HttpStatusCode.NoContent, await ended.Content.ReadAsStringAsync(Token));
        (await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token)).Params[^1].Should().Contain("Closed by staff");
        Measurements.Record("session ended on node B, QUIT of node A's connection seen on IRC", $"{clock.ElapsedMilliseconds} ms");
        (await nodes.OnA.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token)).Should().BeEmpty("the session is gone on every node");
        (await adminB.GetFromJsonAsync<JsonElement[]>("/admin/connections", Token)).Should().BeEmpty();
    }
}

using System.Text.Json;
using System.Net.Http.Json;
using System.Net;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>Sessions shared by two gateway nodes on loopback through a real redis-server.</summary>
[Collection("Redis")]
public sealed class ClusterSessionTests(RedisFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private GatewayHost StartNode(string prefix, string idleTimeout = "00:10:00") =>
        GatewayHost.StartNode(redis.Server, prefix, new Dictionary<string, string?> { ["IrcStream:SessionIdleTimeout"] = idleTimeout });

    [Fact]
    public async Task ASessionMadeOnOneNodeIsTheSameSessionOnTheOther()
    {
        var prefix = RedisFixture.UniquePrefix("shared");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix);
        using var onB = new Browser(b.BaseAddress);
        await onB.ConnectAsync(nick: "bob");
        onB.Cookies.GetCookies(b.BaseAddress).Should().ContainSingle("node B made the session when bob connected");
        using var onA = new Browser(a.BaseAddress, onB.Cookies);
        using (var there = await onA.Http.GetAsync("/api/connections", Token))
        {
            there.Headers.Contains("Set-Cookie").Should().BeFalse("node A knows the session B made");
            (await there.Content.ReadFromJsonAsync<JsonElement[]>(Token)).Should().ContainSingle("bob's connection is listed on A too");
        }

        var id = await onA.ConnectAsync(nick: "alice");
        using var listed = await onB.Http.GetAsync($"/api/connections/{id}", Token);
        listed.StatusCode.Should().Be(HttpStatusCode.OK, "the connection A opened belongs to the session on B too");

        using var stranger = new Browser(b.BaseAddress);
        using var denied = await stranger.Http.GetAsync($"/api/connections/{id}", Token);
        denied.StatusCode.Should().Be(HttpStatusCode.NotFound, "another session does not see it on any node");
    }

    [Fact]
    public async Task AnIdleSessionExpiresAndItsOwnerQuitsItsConnectionsWithoutAnyRequest()
    {
        var prefix = RedisFixture.UniquePrefix("expiry");
        await using var a = StartNode(prefix, idleTimeout: "00:00:01.500");
        await using var b = StartNode(prefix, idleTimeout: "00:00:01.500");
        using var onB = new Browser(b.BaseAddress);
        await onB.ConnectAsync(nick: "bob");
        using var onA = new Browser(a.BaseAddress, onB.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");

        (await a.Fakes![id].Closed.WaitAsync(TimeSpan.FromSeconds(15), Token)).Should().Be("Session expired");
        a.Fakes[id].SentLines.Should().ContainSingle(l => l.StartsWith("QUIT", StringComparison.Ordinal));
        using var after = await onB.Http.GetAsync($"/api/connections/{id}", Token);
        after.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

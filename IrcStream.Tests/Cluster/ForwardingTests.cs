using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using IrcStream.Api.Cluster;
using IrcStream.Api.Connections;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Diagnostics;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Two gateway nodes on loopback sharing a real redis-server: a request about a connection that reaches the node that
/// does not own it is answered with exactly what the owner answers.
/// </summary>
[Collection("Redis")]
public sealed class ForwardingTests(RedisFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private GatewayHost StartNode(string prefix, string forwardTimeout = "00:00:05") =>
        GatewayHost.StartNode(redis.Server, prefix, new Dictionary<string, string?> { ["IrcStream:Redis:ForwardTimeout"] = forwardTimeout });

    /// <summary>Status and body of the same request sent to each node in turn.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(Browser browser, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await browser.Http.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    private static string WithoutTraceId(string problem)
    {
        if (problem.Length == 0) return problem;
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(problem)!;
        json.Remove("traceId");
        return JsonSerializer.Serialize(json);
    }

    [Fact]
    public async Task LinesAndDeleteThroughTheOtherNodeGetTheOwnersAnswers()
    {
        var prefix = RedisFixture.UniquePrefix("forward");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix);
        var onA = a.NewBrowser();
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");
        var fake = a.Fakes![id];
        var lines = $"/api/connections/{id}/lines";

        var queued = await SendAsync(onB, HttpMethod.Post, lines, new { lines = new[] { "PRIVMSG #a :from b" } });
        queued.Status.Should().Be(HttpStatusCode.Accepted, queued.Body);
        JsonDocument.Parse(queued.Body).RootElement.GetProperty("queued").GetInt32().Should().Be(1);
        fake.SentLines.Should().Equal("PRIVMSG #a :from b");

        foreach (var (name, prepare, request) in new (string, Action, object)[]
        {
            ("invalid", () => { }, new { lines = new[] { "PRIVMSG #a :ok", "PRIVMSG #a :bad\rline" } }),
            ("empty", () => { }, new { lines = Array.Empty<string>() }),
            ("not open", () => fake.State = ConnectionState.Reconnecting, new { lines = new[] { "PRIVMSG #a :x" } }),
            ("queue full", () => { fake.State = ConnectionState.Connected; fake.QueueCapacity = 1; }, new { lines = new[] { "PRIVMSG #a :x" } }),
        })
        {
            prepare();
            var owner = await SendAsync(onA, HttpMethod.Post, lines, request);
            var other = await SendAsync(onB, HttpMethod.Post, lines, request);
            other.Status.Should().Be(owner.Status, name);
            WithoutTraceId(other.Body).Should().Be(WithoutTraceId(owner.Body), name);
        }
        (await SendAsync(onB, HttpMethod.Post, lines, new { lines = new[] { "PRIVMSG #a :x" } })).Status.Should().Be(HttpStatusCode.TooManyRequests);
        fake.SentLines.Should().Equal(["PRIVMSG #a :from b"], "nothing of a refused request was sent");

        var deleted = await SendAsync(onB, HttpMethod.Delete, $"/api/connections/{id}");
        deleted.Status.Should().Be(HttpStatusCode.NoContent, deleted.Body);
        (await fake.Closed.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().Be("Closed by the user");
        (await SendAsync(onB, HttpMethod.Delete, $"/api/connections/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
        (await SendAsync(onA, HttpMethod.Get, $"/api/connections/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListAndGetOnTheOtherNodeDescribeTheConnection()
    {
        var prefix = RedisFixture.UniquePrefix("describe");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix);
        var onA = a.NewBrowser();
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");
        a.Fakes![id].Channels = ["#one", "#two"];
        a.Fakes[id].CurrentNick = "alice_";

        // The owner writes its record every heartbeat (a second): wait for the one after the change.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        JsonElement there;
        do
        {
            await Task.Delay(100, Token);
            there = (await onB.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token));
        }
        while (there.GetProperty("nick").GetString() != "alice_" && DateTime.UtcNow < deadline);

        var here = await onA.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token);
        foreach (var field in new[] { "id", "server", "tls", "state", "nick", "channels" })
            there.GetProperty(field).GetRawText().Should().Be(here.GetProperty(field).GetRawText(), field);
        var list = await onB.Http.GetFromJsonAsync<JsonElement[]>("/api/connections", Token);
        list!.Select(c => c.GetProperty("id").GetString()).Should().Equal(id);
    }

    [Fact]
    public async Task AnOwnerThatDoesNotAnswerInTimeGets503WithARetryHint()
    {
        var prefix = RedisFixture.UniquePrefix("stalled");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix, forwardTimeout: "00:00:00.300");
        var onA = a.NewBrowser();
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");

        // The owner stops, and a listener that never answers takes its announced address: a node stalled mid-request.
        using var stalled = new TcpListener(IPAddress.Loopback, 0);
        stalled.Start();
        await MoveOwnerAsync(a, b, id, $"http://127.0.0.1:{((IPEndPoint)stalled.LocalEndpoint).Port}");

        using var response = await onB.PostLinesAsync(id, "PRIVMSG #a :hello");
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        problem.GetProperty("detail").GetString().Should().Contain("did not answer within 0.3 s").And.Contain("send it again");
    }

    [Fact]
    public async Task AnOwnersRetryAfterReachesTheBrowserThroughTheOtherNode()
    {
        var prefix = RedisFixture.UniquePrefix("retry");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix);
        var onA = a.NewBrowser();
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");

        // The owner's answer while it cannot confirm its hold (or Redis failed it): 503 problem+json with a Retry-After.
        using var owner = new HttpListener();
        var url = $"http://127.0.0.1:{FreePort()}/";
        owner.Prefixes.Add(url);
        owner.Start();
        await MoveOwnerAsync(a, b, id, url.TrimEnd('/'));
        var answering = Task.Run(async () =>
        {
            var context = await owner.GetContextAsync();
            context.Response.StatusCode = 503;
            context.Response.ContentType = "application/problem+json";
            context.Response.Headers["Retry-After"] = "7";
            await context.Response.OutputStream.WriteAsync("{\"status\":503,\"title\":\"Temporarily unavailable\",\"detail\":\"Send it again in 7 seconds.\"}"u8.ToArray(), Token);
            context.Response.Close();
        }, Token);

        using var response = await onB.PostLinesAsync(id, "PRIVMSG #a :hello");
        await answering;
        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull("the owner's Retry-After is passed on with its status and body");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
    }

    /// <summary>
    /// Node <paramref name="a"/> stops without handing connection <paramref name="id"/> over (its lease stays, as a
    /// stalled node's would), and <paramref name="url"/> is announced as its address, which node <paramref name="b"/> forwards to.
    /// </summary>
    private static async Task MoveOwnerAsync(GatewayHost a, GatewayHost b, string id, string url)
    {
        var keys = a.Services.GetRequiredService<RedisKeys>();
        var owner = a.Services.GetRequiredService<GatewayNode>().Id;
        a.Services.GetRequiredService<OwnedConnections>().Take(id);
        await a.StopAsync();
        var multiplexer = b.Services.GetRequiredService<IConnectionMultiplexer>();
        await multiplexer.GetDatabase().StringSetAsync(keys.Node(owner), url, TimeSpan.FromMinutes(1));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ForwardedRequestsAreCountedByOutcome()
    {
        var prefix = RedisFixture.UniquePrefix("counted");
        await using var a = StartNode(prefix);
        await using var b = StartNode(prefix);
        var onA = a.NewBrowser();
        using var onB = new Browser(b.BaseAddress, onA.Cookies);
        var id = await onA.ConnectAsync(nick: "alice");

        // Node B's own meter: what other tests in this process forward does not count here.
        using var forwarded = new MetricCollector<long>(b.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, "ircstream.requests.forwarded");
        for (var i = 0; i < 3; i++)
        {
            using var sent = await onB.PostLinesAsync(id, $"PRIVMSG #a :{i}");
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }
        forwarded.GetMeasurementSnapshot().Where(m => Equals(m.Tags["outcome"], "answered")).Sum(m => m.Value).Should().Be(3);
        var scrape = await onB.Http.GetStringAsync("/metrics", Token);
        scrape.Should().Contain("ircstream_requests_forwarded_total{", "node B's /metrics serves the count");
    }
}

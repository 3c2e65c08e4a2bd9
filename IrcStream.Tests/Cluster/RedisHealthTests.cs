using System.Net;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

public sealed class RedisHealthTests
{
    [Fact]
    public async Task ANodeWithoutRedisIsNotReadyButStaysAliveAndIsReadyAgainWhenRedisIsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        await using var gateway = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Redis:Configuration"] = redis.Configuration });
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        (await http.GetAsync("/healthz", ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/livez", ct)).StatusCode.Should().Be(HttpStatusCode.OK);

        var multiplexer = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        multiplexer.ConnectionRestored += (_, e) => { if (e.ConnectionType == ConnectionType.Interactive) restored.TrySetResult(); };
        await redis.StopAsync();

        using var notReady = await http.GetAsync("/healthz", ct);
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        notReady.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await notReady.Content.ReadAsStringAsync(ct)).Should().Contain("Redis");
        (await http.GetAsync("/livez", ct)).StatusCode.Should().Be(HttpStatusCode.OK, "an orchestrator must not kill a node that only waits for Redis");

        await redis.RestartAsync(ct);
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        (await http.GetAsync("/healthz", ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>An event stream asked for while Redis is away is refused as every other request is: 503 problem+json with Retry-After.</summary>
    [Fact]
    public async Task AStreamAskedForWhileRedisIsAwayIsRefusedWithProblemDetailsAndARetryHint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        await using var gateway = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Redis:Configuration"] = redis.Configuration });
        var browser = gateway.NewBrowser();
        var id = await browser.ConnectAsync();
        await redis.StopAsync();

        foreach (var path in new[] { $"/api/connections/{id}/events", $"/api/connections/{id}/poll?since=0&timeout=0" })
        {
            using var refused = await browser.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, path);
            refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", path);
            refused.Headers.RetryAfter.Should().NotBeNull(path);
            (await refused.Content.ReadAsStringAsync(ct)).Should().Contain("\"status\":503", path);
        }
    }

    [Fact]
    public async Task WithoutRedisTheNodeIsReadyAndAlive()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = GatewayHost.Start();
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        (await http.GetAsync("/healthz", ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/livez", ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

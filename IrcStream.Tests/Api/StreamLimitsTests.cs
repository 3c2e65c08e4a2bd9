using System.Net;
using IrcStream.Api.Streaming;
using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IrcStream.Tests.Api;

/// <summary>Open event streams plus waiting polls are bounded per connection, session and client address.</summary>
public sealed class StreamLimitsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AThousandStreamsFromOneSessionAreRefusedPastTheBoundWhileAnotherSessionIsServed()
    {
        // The shipped defaults: 5 connections a session, 16 streams a connection, 64 a session, 256 an address.
        await using var host = GatewayHost.Start();
        var greedy = host.NewBrowser();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await greedy.ConnectAsync(nick: $"greedy{i}"));

        var open = new List<HttpResponseMessage>();
        var refused = 0;
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                var response = await greedy.Http.GetAsync($"/api/connections/{ids[i % ids.Count]}/events", HttpCompletionOption.ResponseHeadersRead, Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    open.Add(response);
                    continue;
                }
                using (response)
                {
                    var problem = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
                    problem.GetProperty("detail").GetString().Should().Contain("most this gateway allows for one browser").And.NotContain("IrcStream:");
                }
                refused++;
            }

            open.Should().HaveCount(64, "the session's bound, reached before any one connection's (5 x 16 > 64)");
            refused.Should().Be(936);
            using (var waitingPoll = await greedy.Http.GetAsync($"/api/connections/{ids[0]}/poll?since=1000&timeout=5", Token))
                await waitingPoll.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            (await greedy.PollAsync(ids[0], since: 0, timeoutSeconds: 0)).Should().NotBeEmpty("a poll answered at once holds nothing and is served");

            var other = host.NewBrowser();
            var id = await other.ConnectAsync(nick: "bob");
            await using var stream = await other.OpenEventsAsync(id);
            (await stream.NextEventAsync())!.Value.EventType.Should().Be("status", "another session is served normally");
            var fake = host.Fakes![id];
            var waiting = other.PollAsync(id, since: fake.Events.LastSeq, timeoutSeconds: 30);
            fake.Receive(":srv NOTICE bob :hello");
            (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Token)).Should().ContainSingle();
        }
        finally
        {
            foreach (var response in open) response.Dispose();
        }
    }

    [Fact]
    public async Task TheConnectionsBoundIsNamedFirstAndCountsWaitingPolls()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxStreamsPerConnection"] = "2" });
        var browser = host.NewBrowser();
        var first = await browser.ConnectAsync();
        var second = await browser.ConnectAsync(nick: "alice2");

        await using var one = await browser.OpenEventsAsync(first);
        await using var two = await browser.OpenEventsAsync(first);
        using (var third = await browser.Http.GetAsync($"/api/connections/{first}/events", HttpCompletionOption.ResponseHeadersRead, Token))
        {
            var problem = await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain("most this gateway allows for one connection").And.NotContain("IrcStream:");
        }
        using (var poll = await browser.Http.GetAsync($"/api/connections/{first}/poll?since=100&timeout=10", Token))
            await poll.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);

        await using var onOther = await browser.OpenEventsAsync(second);
        (await onOther.NextEventAsync()).Should().NotBeNull("the bound is per connection");
    }

    [Fact]
    public async Task TheAddressBoundCountsEverySessionFromTheAddress()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxStreamsPerAddress"] = "3" });
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        var a = await alice.ConnectAsync();
        var b = await bob.ConnectAsync(nick: "bob");

        await using var a1 = await alice.OpenEventsAsync(a);
        await using var a2 = await alice.OpenEventsAsync(a);
        await using var b1 = await bob.OpenEventsAsync(b);
        using var refused = await bob.Http.GetAsync($"/api/connections/{b}/events", HttpCompletionOption.ResponseHeadersRead, Token);

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        problem.GetProperty("detail").GetString().Should().Contain("from your network address").And.NotContain("IrcStream:");
    }

    [Fact]
    public async Task AClosedStreamGivesItsSlotBack()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:MaxStreamsPerConnection"] = "1" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var limits = host.Services.GetRequiredService<StreamLimits>();

        var stream = await browser.OpenEventsAsync(id);
        await stream.DisposeAsync();

        // The server sees the close asynchronously: wait for the count to drop, bounded.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (limits.CountFor(id, "").Connection > 0) await Task.Delay(20, timeout.Token);
        await using var again = await browser.OpenEventsAsync(id);
        (await again.NextEventAsync()).Should().NotBeNull();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api;

/// <summary>The gateway with the real engine against a real InspIRCd: what two browsers and a plain IRC client see.</summary>
[Collection("InspIRCd")]
public sealed class EndToEndTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<JsonElement> WaitForAsync(EventStreamReader stream, string what, Func<JsonElement, bool> predicate) =>
        stream.WaitForAsync(what, predicate, Patience);

    private static bool IsMessage(JsonElement e, string command, string? sourceNick, params string[] parameters) =>
        e.GetProperty("type").GetString() == "message"
        && e.GetProperty("command").GetString() == command
        && (sourceNick is null || (e.GetProperty("source").GetString() ?? "").StartsWith(sourceNick + "!", StringComparison.OrdinalIgnoreCase))
        && e.GetProperty("params").EnumerateArray().Select(p => p.GetString()).Take(parameters.Length).SequenceEqual(parameters, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public async Task TwoBrowserSessionsInOneChannelTalkToEachOtherAndToAPlainIrcClient()
    {
        var server = irc.Server;
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = $"127.0.0.1:{server.Port}",
            ["IrcStream:Webirc:Password"] = server.WebircPassword,
        }, realEngine: true);

        var channel = "#" + RawIrcClient.UniqueNick("e2e");
        var aliceNick = RawIrcClient.UniqueNick("al");
        var bobNick = RawIrcClient.UniqueNick("bo");
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        // Alice comes through a proxy on the loopback interface: WEBIRC must carry her real address.
        alice.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");

        var aliceId = await alice.ConnectAsync($"127.0.0.1:{server.Port}", aliceNick, [channel]);
        var bobId = await bob.ConnectAsync($"127.0.0.1:{server.Port}", bobNick, [channel]);
        await using var aliceStream = await alice.OpenEventsAsync(aliceId);
        await using var bobStream = await bob.OpenEventsAsync(bobId);

        await WaitForAsync(aliceStream, "REGISTERED", e => e.GetProperty("type").GetString() == "status" && e.GetProperty("status").GetString() == IrcStatus.Registered);
        await WaitForAsync(aliceStream, "alice's JOIN", e => IsMessage(e, "JOIN", aliceNick, channel));
        await WaitForAsync(bobStream, "bob's JOIN", e => IsMessage(e, "JOIN", bobNick, channel));

        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        await WaitForAsync(aliceStream, "carol's JOIN", e => IsMessage(e, "JOIN", carol.Nick, channel));

        var state = await alice.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{aliceId}", Token);
        state.GetProperty("state").GetString().Should().Be("connected");
        state.GetProperty("nick").GetString().Should().Be(aliceNick);
        state.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Contain(c => string.Equals(c, channel, StringComparison.OrdinalIgnoreCase));

        using (var sent = await alice.PostLinesAsync(aliceId, $"PRIVMSG {channel} :hello from alice"))
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var atBob = await WaitForAsync(bobStream, "alice's message", e => IsMessage(e, "PRIVMSG", aliceNick, channel, "hello from alice"));
        atBob.GetProperty("source").GetString().Should().EndWith("@203.0.113.9", "WEBIRC forwarded the browser's address");
        await WaitForAsync(aliceStream, "alice's own message", e => IsMessage(e, "PRIVMSG", aliceNick, channel, "hello from alice"));
        await carol.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "hello from alice", Patience, Token);

        using (var sent = await bob.PostLinesAsync(bobId, $"PRIVMSG {channel} :hi alice, bob here"))
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await WaitForAsync(aliceStream, "bob's message", e => IsMessage(e, "PRIVMSG", bobNick, channel, "hi alice, bob here"));
        await carol.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "hi alice, bob here", Patience, Token);

        await carol.SendAsync($"PRIVMSG {channel} :carol says hi", Token);
        await WaitForAsync(aliceStream, "carol's message at alice", e => IsMessage(e, "PRIVMSG", carol.Nick, channel, "carol says hi"));
        // Bob reads by long-poll: batch after batch until carol's message, each poll resuming after the last.
        long since = 0;
        var pollDeadline = DateTime.UtcNow + Patience;
        var heardCarol = false;
        while (!heardCarol && DateTime.UtcNow < pollDeadline)
        {
            var batch = await bob.PollAsync(bobId, since, timeoutSeconds: 5);
            heardCarol = batch.Any(e => IsMessage(e, "PRIVMSG", carol.Nick, channel, "carol says hi"));
            if (batch.Length > 0) since = batch[^1].GetProperty("seq").GetInt64();
        }
        heardCarol.Should().BeTrue("the long-poll sees the same events as the stream");

        using (var refused = await alice.PostLinesAsync(aliceId, $"PRIVMSG {channel} :one", $"PRIVMSG {channel} :two\r\nQUIT :injected"))
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using (var delete = await alice.Http.DeleteAsync($"/api/connections/{aliceId}", Token))
            delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await WaitForAsync(aliceStream, "CLOSED", e => e.GetProperty("type").GetString() == "status" && e.GetProperty("status").GetString() == IrcStatus.Closed);
        (await aliceStream.NextEventAsync()).Should().BeNull("alice's stream ends with CLOSED");
        // Alice's QUIT comes after anything she sent, so by now the refused lines would have arrived.
        await carol.WaitForAsync(IrcWatcher.From("QUIT", aliceNick), Patience, Token);
        carol.Received.Should().NotContain(m => m.Command == "PRIVMSG" && m.Params.Contains("one"), "nothing of the refused request reached IRC");
        using var gone = await alice.Http.GetAsync($"/api/connections/{aliceId}", Token);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnIdleSessionQuitsItsIrcConnectionWithoutAnyRequest()
    {
        var server = irc.Server;
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = $"127.0.0.1:{server.Port}",
            ["IrcStream:SessionIdleTimeout"] = "00:00:03",
        }, realEngine: true);
        var channel = "#" + RawIrcClient.UniqueNick("idle");
        var nick = RawIrcClient.UniqueNick("id");
        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);

        var browser = host.NewBrowser();
        await browser.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        // No request from here on: the session's idle clock alone must end it and QUIT its connection.
        var quit = await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        quit.Params[^1].Should().Contain("Session expired");
    }

    [Fact]
    public async Task AWildcardEntryCannotReachLoopbackThroughAHostName()
    {
        var server = irc.Server;
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = $"*:{server.Port}",
            ["IrcStream:AllowedServers:1"] = "irc.example.invalid:6667",
        }, realEngine: true);
        var browser = host.NewBrowser();

        // The name passes the request check; its resolved address (loopback) is refused at connect time.
        var id = await browser.ConnectAsync($"localhost:{server.Port}", RawIrcClient.UniqueNick("wc"));
        await using var stream = await browser.OpenEventsAsync(id);
        var error = await WaitForAsync(stream, "ERROR", e => e.GetProperty("type").GetString() == "status" && e.GetProperty("status").GetString() == IrcStatus.Error);
        error.GetProperty("detail").GetString().Should().Contain("may not connect");
        await WaitForAsync(stream, "DISCONNECTED", e => e.GetProperty("type").GetString() == "status" && e.GetProperty("status").GetString() == IrcStatus.Disconnected);
        var state = await browser.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token);
        state.GetProperty("state").GetString().Should().Be("disconnected");
    }
}

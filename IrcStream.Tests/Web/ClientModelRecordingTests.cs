using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Web;

/// <summary>
/// The web client's model on a real event stream: a conversation with a real InspIRCd through the gateway, recorded
/// as the SSE stream delivered it, then replayed through the reducer by node (<c>IrcStream.Tests/Web/Node/conversation.mjs</c>,
/// the same check the checked-in recording <c>fixtures/inspircd-conversation.json</c> passes). The recording is kept
/// beside the test binaries (<c>TestResults/client-model/</c>): copy it over the fixture to record it again.
/// </summary>
[Collection("InspIRCd")]
public sealed class ClientModelRecordingTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheModelRebuildsARealInspircdConversationFromItsRecordedEvents()
    {
        var server = irc.Server;
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:AllowedServers:0"] = $"127.0.0.1:{server.Port}" }, realEngine: true);
        var channel = "#" + RawIrcClient.UniqueNick("rec");
        var closed = "#" + RawIrcClient.UniqueNick("inv");
        var me = RawIrcClient.UniqueNick("me");

        // The other person is first in both channels (so an operator), and makes one of them invite only.
        await using var other = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("bob"), Token);
        await other.SendAsync($"JOIN {channel},{closed}", Token);
        await other.WaitForAsync(m => m.Command == "366" && m.Params[1] == closed, Patience, Token);
        await other.SendAsync($"MODE {closed} +i", Token);
        await other.WaitForAsync(m => m.Command == "MODE" && m.Params[0] == closed, Patience, Token);

        using var browser = host.NewBrowser();
        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", me, [channel]);
        var recording = new JsonArray();
        await using var stream = await browser.OpenEventsAsync(id);

        async Task<JsonNode> Until(string what, Func<JsonNode, bool> predicate)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                var item = await stream.NextEventAsync(deadline - DateTime.UtcNow);
                if (item is null) break;
                if (item.Value.EventType == "keepalive") continue;
                var node = JsonNode.Parse(item.Value.Data)!;
                recording.Add(node);
                if (predicate(node)) return node;
            }
            throw new TimeoutException($"No event '{what}' within {Patience}. Recorded: {recording.ToJsonString()[^Math.Min(2000, recording.ToJsonString().Length)..]}");
        }
        bool Message(JsonNode e, string command, string? nick = null, string? text = null) =>
            (string?)e["type"] == "message" && (string?)e["command"] == command
            && (nick is null || ((string?)e["source"] ?? "").StartsWith(nick + "!", StringComparison.OrdinalIgnoreCase))
            && (text is null || (string?)e["params"]!.AsArray()[^1] == text);
        async Task Send(string line)
        {
            using var sent = await browser.PostLinesAsync(id, line);
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted, line);
        }

        await Until("my JOIN's names", e => Message(e, "366"));
        await other.SendAsync($"PRIVMSG {channel} :hello {me}", Token);
        await other.SendAsync($"PRIVMSG {me} :psst, a private word", Token);
        await other.SendAsync($"NOTICE {me} :a notice for you", Token);
        await other.SendAsync($"PRIVMSG {channel} :\u0001ACTION waves\u0001", Token);
        await other.SendAsync($"TOPIC {channel} :the recorded topic", Token);
        await other.SendAsync($"MODE {channel} +v {me}", Token);
        await Until("the voice", e => Message(e, "MODE", other.Nick));
        var was = other.Nick;
        var renamed = was + "x";
        await other.SendAsync($"NICK {renamed}", Token);
        await Until("the nick change", e => Message(e, "NICK"));
        await Send($"PRIVMSG {channel} :my own words");
        await Until("my own message", e => Message(e, "PRIVMSG", me, "my own words"));
        await Send($"WHOIS {renamed}");
        await Until("the end of WHOIS", e => Message(e, "318"));
        await Send($"JOIN {closed}");
        await Until("the refused join", e => Message(e, "473"));
        await Send("FOO bar");
        await Until("the unknown command", e => Message(e, "421"));
        await other.SendAsync($"PART {channel} :bye now", Token);
        await Until("the part", e => Message(e, "PART"));
        using (var closing = await browser.Http.DeleteAsync($"/api/connections/{id}", Token))
            closing.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await Until("CLOSED", e => (string?)e["type"] == "status" && (string?)e["status"] == "CLOSED");

        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "client-model");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "inspircd-conversation.json");
        var document = new JsonObject
        {
            ["cast"] = new JsonObject { ["me"] = me, ["other"] = renamed, ["was"] = was, ["channel"] = channel, ["inviteOnly"] = closed },
            ["events"] = recording,
        };
        await File.WriteAllTextAsync(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), Token);
        TestContext.Current.AddAttachment("recording", file);

        var (exitCode, report) = await NodeProcess.RunAsync(TimeSpan.FromMinutes(1), Path.Combine("IrcStream.Tests", "Web", "Node", "check-recording.mjs"), file);
        exitCode.Should().Be(0, $"the reducer's check of the recording ({file}) reported:\n{report}");
    }
}

using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api;

/// <summary>The gateway as its own process with the real engine, stopped the way production stops it.</summary>
[Collection("InspIRCd")]
public sealed class GatewayProcessTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SigtermQuitsEveryIrcConnectionEndsStreamsWithClosedAndExitsWithinSeconds()
    {
        var server = irc.Server;
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{server.Port}",
        }, Token);
        using var browser = new Browser(gateway.BaseAddress);
        var channel = "#" + RawIrcClient.UniqueNick("term");
        var nick = RawIrcClient.UniqueNick("gw");

        await using var carol = await IrcWatcher.JoinAsync(server, channel, Patience, Token);

        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await using var stream = await browser.OpenEventsAsync(id);
        await carol.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        gateway.Terminate();

        var closed = false;
        while (await stream.NextEventAsync(Patience) is { } item)
        {
            var json = JsonDocument.Parse(item.Data).RootElement;
            if (json.GetProperty("type").GetString() == "status" && json.GetProperty("status").GetString() == IrcStatus.Closed) closed = true;
        }
        closed.Should().BeTrue($"the stream ends with CLOSED. Gateway output:{Environment.NewLine}{gateway.Output}");
        await carol.WaitForAsync(IrcWatcher.From("QUIT", nick), Patience, Token);
        // Bounded, not timed: a gateway that hangs on the way out fails here. How long a stop takes is not asserted.
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10), Token);
        exitCode.Should().Be(0, gateway.Output);
    }
}

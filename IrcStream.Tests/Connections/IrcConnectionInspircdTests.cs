using System.Globalization;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>
/// What only InspIRCd shows of the connection (its caps, client tags, WEBIRC, a long flood), shared by the collection;
/// the behaviour every server shares is in <see cref="ServerContractTests"/>.
/// </summary>
[Collection("InspIRCd")]
public sealed class IrcConnectionInspircdTests(InspircdFixture fixture)
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;
    private readonly InspircdServer _server = fixture.Server;

    [Fact]
    public async Task RegistersWithTheIrcv3Caps()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = Start(RawIrcClient.UniqueNick("reg"));

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        var acked = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>()
            .Where(m => m.Message is { Command: "CAP" } cap && cap.Params[1] == "ACK")
            .SelectMany(m => m.Message.Params[^1].Split(' '))
            .ToArray();
        acked.Should().Contain(["message-tags", "server-time", "echo-message", "batch"]);
    }

    [Fact]
    public async Task OwnMessagesAreTheServersEchoOnceAndOtherClientsSeeThemWithClientTags()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("echo");
        var nick = RawIrcClient.UniqueNick("echo");
        await using var connection = Start(nick, channels: [channel]);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN", "the own JOIN", Timeout, ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("bob"), ["message-tags"], ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "JOIN" && m.Params[0] == channel, Timeout, ct);

        connection.Send([$"@+ircstream/test=42 PRIVMSG {channel} :hello bob", $"PING :sync"]).Outcome.Should().Be(SendOutcome.Queued);

        var atBob = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        atBob.Params[1].Should().Be("hello bob");
        atBob.Tags.Should().Contain("+ircstream/test", "42");
        await connection.Events.WaitForMessageAsync(m => m.Command == "PONG", "the PONG after the message", Timeout, ct);
        var own = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Where(m => m.Message.Command == "PRIVMSG").ToArray();
        own.Should().ContainSingle("echo-message makes the server's echo the one record");
        own[0].Message.Source.Should().StartWith(nick + "!");
        own[0].Message.Tags.Should().ContainKey("msgid").And.Contain("+ircstream/test", "42");
    }

    [Fact]
    public async Task WebircMakesTheServerSeeTheBrowsersAddress()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("web");
        await using var connection = Start(nick, configure: o => o with
        {
            Webirc = new WebircIdentity(_server.WebircPassword, "ircstream", "browser.example", "192.0.2.44"),
        });
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        await using var observer = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("obs"), ct);

        await observer.SendAsync($"WHOIS {nick}", ct);

        var user = await observer.WaitForAsync(m => m.Command == "311" && m.Params[1] == nick, Timeout, ct);
        user.Params[3].Should().Be("192.0.2.44");
        var gateway = await observer.WaitForAsync(m => m.Command == "350" && m.Params[1] == nick, Timeout, ct);
        gateway.Params[^1].Should().Contain("ircstream");
    }

    [Fact]
    public async Task AFloodOf5000LinesArrivesCompleteAndInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        const int count = 5000;
        const int window = 250;
        var nick = RawIrcClient.UniqueNick("sink");
        await using var connection = Start(nick, settings: TestConnections.Settings with { EventBufferSize = 20_000, EventBufferBytes = 64 << 20 });
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        var registeredSeq = connection.Events.LastSeq;
        await using var sender = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("src"), ct);

        // InspIRCd drains one fast sender at ~240 lines/s: a PING after each window keeps a few hundred lines in flight.
        for (var start = 1; start <= count; start += window)
        {
            for (var i = start; i < start + window && i <= count; i++) await sender.SendAsync($"PRIVMSG {nick} :flood {i}", ct);
            await sender.SendAsync($"PING :window-{start}", ct);
            await sender.WaitForAsync(m => m.Command == "PONG" && m.Params[^1] == $"window-{start}", TimeSpan.FromSeconds(60), ct);
        }

        await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG" && m.Params[1] == $"flood {count}", "the last flood line",
            TimeSpan.FromSeconds(60), ct, after: registeredSeq);
        var texts = connection.Events.ReadDecodedAfter(registeredSeq).OfType<MessageEvent>()
            .Where(m => m.Message.Command == "PRIVMSG").Select(m => m.Message.Params[1]).ToArray();
        texts.Should().Equal(Enumerable.Range(1, count).Select(i => $"flood {i}"));
    }

    [Fact]
    public async Task ANickInUseGetsAnotherNickFromTheRealServer()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("dup");
        await using var holder = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, nick, ct);
        await using var connection = Start(nick);

        var registered = await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        registered.Detail.Should().Be(nick + "_");
        connection.CurrentNick.Should().Be(nick + "_");
    }

    private IrcConnection Start(string nick, IReadOnlyList<string>? channels = null, IrcEngineSettings? settings = null,
        Func<IrcConnectionOptions, IrcConnectionOptions>? configure = null)
    {
        var connection = TestConnections.Create(_server.Host, _server.Port, nick, settings,
            o => (configure ?? (x => x))(o with { Channels = channels ?? [] }));
        connection.Start();
        return connection;
    }
}

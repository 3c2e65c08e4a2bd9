using System.Globalization;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>What a test server offers that changes what the gateway records (docs/SERVERS.md has the same table).</summary>
/// <param name="EchoMessage">The server echoes a client's own messages (IRCv3 <c>echo-message</c>); without it the gateway records its own copy.</param>
/// <param name="ServerTime">Messages carry the server's <c>time</c> tag; without it an event's time is when the gateway read the line.</param>
public sealed record ServerTraits(string Name, bool EchoMessage, bool ServerTime);

/// <summary>
/// The gateway's contract on every server we test: the table of server × behaviour. Each behaviour is written once here;
/// the four classes below run it against InspIRCd, ngIRCd, Ergo and ircd-hybrid, each in its server's collection, so the
/// four servers run side by side. Where a server lacks a feature (echo-message, server-time), the gateway's documented
/// fallback is what the test checks.
/// </summary>
public abstract class ServerContractTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    protected abstract ITestIrcServer Server { get; }

    protected abstract ServerTraits Traits { get; }

    /// <summary>A server of this kind of the test's own, for a test that restarts it.</summary>
    protected abstract Task<ITestIrcServer> StartOwnAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task RegistersAndReportsEachStepInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("reg");
        await using var connection = Start(nick);

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        connection.Events.Statuses().Should().Equal(IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered);
        connection.State.Should().Be(ConnectionState.Connected);
        connection.CurrentNick.Should().Be(nick);
    }

    [Fact]
    public async Task JoinsItsChannelsAndTimesTheJoinByTheServerWhereItCan()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("join");
        var before = DateTimeOffset.UtcNow;
        await using var connection = Start(RawIrcClient.UniqueNick("join"), channels: [channel]);

        var join = await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN", "the JOIN", Timeout, ct);
        await connection.Events.WaitForMessageAsync(m => m.Command == "366", "the end of NAMES", Timeout, ct);

        join.Message.Params[0].Should().Be(channel);
        connection.Channels.Should().Equal(channel);
        if (Traits.ServerTime)
        {
            join.Time.Should().Be(DateTimeOffset.Parse(join.Message.Tags["time"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        }
        else
        {
            join.Message.Tags.Should().NotContainKey("time");
            join.Time.Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        }
    }

    [Fact]
    public async Task ReceivesOtherClientsMessagesInTheChannelAndInPrivate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("rx", ct);
        var (connection, bob, channel) = room;

        await bob.SendAsync($"PRIVMSG {channel} :hello channel", ct);
        await bob.SendAsync($"PRIVMSG {connection.CurrentNick} :hello you", ct);

        var inChannel = await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, "bob's channel message", Timeout, ct);
        var inPrivate = await connection.Events.WaitForMessageAsync(
            m => m.Command == "PRIVMSG" && m.Params[0] == connection.CurrentNick, "bob's private message", Timeout, ct);
        inChannel.Message.Params[1].Should().Be("hello channel");
        inPrivate.Message.Params[1].Should().Be("hello you");
        IrcSource.Parse(inPrivate.Message.Source!).Nick.Should().Be(bob.Nick);
    }

    [Fact]
    public async Task RecordsItsOwnMessageOnceWhetherTheServerEchoesItOrNot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("own", ct);
        var (connection, bob, channel) = room;

        connection.Send([$"PRIVMSG {channel} :hello bob", "PING :sync"]).Outcome.Should().Be(SendOutcome.Queued);

        var atBob = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        atBob.Params[1].Should().Be("hello bob");
        await connection.Events.WaitForMessageAsync(m => m.Command == "PONG", "the PONG after the message", Timeout, ct);
        var own = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Where(m => m.Message.Command == "PRIVMSG").ToArray();
        own.Should().ContainSingle();
        own[0].Message.Params.Should().Equal(channel, "hello bob");
        IrcSource.Parse(own[0].Message.Source!).Should().Be(IrcSource.Parse(atBob.Source!), "the gateway knows its nick!user@host");
        if (Traits.EchoMessage) own[0].Message.Tags.Should().ContainKey("msgid", "the server's echo is the record");
        else own[0].Message.Tags.Should().NotContainKey("msgid", "without echo-message the gateway records its own copy");
    }

    [Fact]
    public async Task FollowsItsOwnNickChange()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("nick", ct);
        var (connection, bob, channel) = room;
        var newNick = RawIrcClient.UniqueNick("renamed");

        connection.Send([$"NICK {newNick}"]).Outcome.Should().Be(SendOutcome.Queued);

        var nick = await connection.Events.WaitForMessageAsync(m => m.Command == "NICK", "the NICK", Timeout, ct);
        nick.Message.Params[0].Should().Be(newNick);
        await bob.WaitForAsync(m => m.Command == "NICK" && m.Params[0] == newNick, Timeout, ct);
        connection.CurrentNick.Should().Be(newNick);
        connection.Channels.Should().Equal(channel);
    }

    [Fact]
    public async Task RecordsTopicsItSetsAndTheTopicOfAChannelItJoins()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("topic", ct);
        var (connection, bob, channel) = room;
        var other = "#" + RawIrcClient.UniqueNick("topic");
        await bob.SendAsync($"JOIN {other}", ct);
        await bob.WaitForAsync(m => m.Command == "366" && m.Params[1] == other, Timeout, ct);
        await bob.SendAsync($"TOPIC {other} :bob's topic", ct);
        await bob.WaitForAsync(m => m.Command == "TOPIC" && m.Params[0] == other, Timeout, ct);

        connection.Send([$"TOPIC {channel} :the gateway's topic", $"JOIN {other}"]).Outcome.Should().Be(SendOutcome.Queued);

        var set = await connection.Events.WaitForMessageAsync(m => m.Command == "TOPIC", "the TOPIC", Timeout, ct);
        set.Message.Params.Should().Equal(channel, "the gateway's topic");
        var shown = await connection.Events.WaitForMessageAsync(m => m.Command == "332", "the topic on join", Timeout, ct);
        shown.Message.Params.Skip(1).Should().Equal(other, "bob's topic");
    }

    [Fact]
    public async Task RecordsTheWhoisAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("whois", ct);
        var (connection, bob, _) = room;

        connection.Send([$"WHOIS {bob.Nick}"]).Outcome.Should().Be(SendOutcome.Queued);

        var user = await connection.Events.WaitForMessageAsync(m => m.Command == "311", "RPL_WHOISUSER", Timeout, ct);
        await connection.Events.WaitForMessageAsync(m => m.Command == "318", "RPL_ENDOFWHOIS", Timeout, ct);
        user.Message.Params[1].Should().Be(bob.Nick);
    }

    [Fact]
    public async Task JoinsAKeyedChannelOnlyWithItsKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("key");
        await using var bob = await RawIrcClient.ConnectAsync(Server.Host, Server.Port, RawIrcClient.UniqueNick("bob"), ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "366", Timeout, ct);
        await bob.SendAsync($"MODE {channel} +k sesame", ct);
        await bob.WaitForAsync(m => m.Command == "MODE" && m.Params[0] == channel, Timeout, ct);
        await using var connection = Start(RawIrcClient.UniqueNick("key"));
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        connection.Send([$"JOIN {channel}"]).Outcome.Should().Be(SendOutcome.Queued);
        await connection.Events.WaitForMessageAsync(m => m.Command == "475", "ERR_BADCHANNELKEY", Timeout, ct);
        connection.Send([$"JOIN {channel} sesame"]).Outcome.Should().Be(SendOutcome.Queued);

        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN", "the JOIN with the key", Timeout, ct);
        connection.Channels.Should().Equal(channel);
        connection.ClientState.Keys.Should().Contain(k => k.Channel == channel && k.Key == "sesame", "the rejoin needs the key");
    }

    [Fact]
    public async Task RecordsChannelModeChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var room = await InChannelWithBobAsync("mode", ct);
        var (connection, bob, channel) = room;

        var before = connection.Events.LastSeq;
        connection.Send([$"MODE {channel} +m", $"MODE {channel} +v {bob.Nick}"]).Outcome.Should().Be(SendOutcome.Queued);

        var moderated = await connection.Events.WaitForMessageAsync(
            m => m.Command == "MODE" && m.Params[0] == channel && m.Params.Count == 2, "MODE +m", Timeout, ct, after: before);
        moderated.Message.Params.Should().Equal(channel, "+m");
        var voice = await connection.Events.WaitForMessageAsync(m => m.Command == "MODE" && m.Params[0] == channel && m.Params.Count == 3, "MODE +v", Timeout, ct, after: before);
        voice.Message.Params.Should().Equal(channel, "+v", bob.Nick);
    }

    [Fact]
    public async Task AKickRemovesTheChannelFromWhatItRejoins()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("kick");
        await using var bob = await RawIrcClient.ConnectAsync(Server.Host, Server.Port, RawIrcClient.UniqueNick("bob"), ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "366", Timeout, ct);
        var nick = RawIrcClient.UniqueNick("kicked");
        await using var connection = Start(nick, channels: [channel]);
        await bob.WaitForAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == nick, Timeout, ct);

        await bob.SendAsync($"KICK {channel} {nick} :out", ct);

        var kick = await connection.Events.WaitForMessageAsync(m => m.Command == "KICK", "the KICK", Timeout, ct);
        kick.Message.Params.Take(2).Should().Equal(channel, nick);
        // The client updates its channels after it records the KICK; a line that comes after it is read once the KICK
        // is wholly taken in (the client takes lines one at a time, in order).
        await bob.SendAsync($"PRIVMSG {nick} :after the kick", ct);
        await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "after the kick", "the line after the KICK", Timeout, ct);
        connection.Channels.Should().BeEmpty();
    }

    [Fact]
    public async Task AwayIsConfirmedAndShownToWhoeverWritesToIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("away");
        await using var connection = Start(nick);
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        await using var bob = await RawIrcClient.ConnectAsync(Server.Host, Server.Port, RawIrcClient.UniqueNick("bob"), ct);

        connection.Send(["AWAY :out for lunch"]).Outcome.Should().Be(SendOutcome.Queued);
        await connection.Events.WaitForMessageAsync(m => m.Command == "306", "RPL_NOWAWAY", Timeout, ct);
        await bob.SendAsync($"PRIVMSG {nick} :are you there", ct);

        var away = await bob.WaitForAsync(m => m.Command == "301", Timeout, ct);
        away.Params[^1].Should().Be("out for lunch");
        connection.Send(["AWAY"]).Outcome.Should().Be(SendOutcome.Queued);
        await connection.Events.WaitForMessageAsync(m => m.Command == "305", "RPL_UNAWAY", Timeout, ct);
    }

    [Fact]
    public async Task AfterTheServerRestartsItReconnectsAndRejoinsItsChannels()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartOwnAsync(ct);
        var configured = "#" + RawIrcClient.UniqueNick("conf");
        var later = "#" + RawIrcClient.UniqueNick("later");
        await using var connection = TestConnections.Create(server.Host, server.Port, RawIrcClient.UniqueNick("back"),
            configure: o => o with { Channels = [configured] });
        connection.Start();
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == configured, "the configured JOIN", Timeout, ct);
        connection.Send([$"JOIN {later}"]).Outcome.Should().Be(SendOutcome.Queued);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == later, "the user's JOIN", Timeout, ct);

        await server.RestartAsync(ct);

        var lost = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);
        var again = await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct, after: lost.Seq);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == configured, "the configured rejoin", Timeout, ct, after: again.Seq);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == later, "the user's rejoin", Timeout, ct, after: again.Seq);
        connection.Channels.Should().BeEquivalentTo([configured, later]);
        connection.State.Should().Be(ConnectionState.Connected);
    }

    /// <summary>A started connection in a new channel it created (so it is operator there), with bob joined too.</summary>
    /// <summary>The gateway's connection in a new channel, with a raw client, bob, who joined it after.</summary>
    private async Task<RoomWithBob> InChannelWithBobAsync(string prefix, CancellationToken ct)
    {
        var channel = "#" + RawIrcClient.UniqueNick(prefix);
        var connection = Start(RawIrcClient.UniqueNick(prefix), channels: [channel]);
        RawIrcClient? bob = null;
        try
        {
            await connection.Events.WaitForMessageAsync(m => m.Command == "366", "the own JOIN", Timeout, ct);
            bob = await RawIrcClient.ConnectAsync(Server.Host, Server.Port, RawIrcClient.UniqueNick("bob"), ct);
            await bob.SendAsync($"JOIN {channel}", ct);
            await bob.WaitForAsync(m => m.Command == "366", Timeout, ct);
            var bobNick = bob.Nick;
            await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == bobNick, "bob's JOIN", Timeout, ct);
            return new RoomWithBob(connection, bob, channel);
        }
        catch
        {
            await connection.DisposeAsync();
            if (bob is not null) await bob.DisposeAsync();
            throw;
        }
    }

    private sealed record RoomWithBob(IrcConnection Connection, RawIrcClient Bob, string Channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            await Bob.DisposeAsync();
        }
    }

    private IrcConnection Start(string nick, IReadOnlyList<string>? channels = null)
    {
        var connection = TestConnections.Create(Server.Host, Server.Port, nick, configure: o => o with { Channels = channels ?? [] });
        connection.Start();
        return connection;
    }
}

[Collection("InspIRCd")]
public sealed class InspircdContractTests(InspircdFixture fixture) : ServerContractTests
{
    protected override ITestIrcServer Server => fixture.Server;

    protected override ServerTraits Traits { get; } = new("InspIRCd 3", EchoMessage: true, ServerTime: true);

    protected override async Task<ITestIrcServer> StartOwnAsync(CancellationToken cancellationToken) => await InspircdServer.StartAsync(cancellationToken);
}

[Collection("ngircd")]
public sealed class NgircdContractTests(NgircdFixture fixture) : ServerContractTests
{
    protected override ITestIrcServer Server => fixture.Server;

    protected override ServerTraits Traits { get; } = new("ngIRCd", EchoMessage: false, ServerTime: false);

    protected override async Task<ITestIrcServer> StartOwnAsync(CancellationToken cancellationToken) => await NgircdServer.StartAsync(cancellationToken);
}

[Collection("Ergo")]
public sealed class ErgoContractTests(ErgoFixture fixture) : ServerContractTests
{
    protected override ITestIrcServer Server => fixture.Server;

    protected override ServerTraits Traits { get; } = new("Ergo", EchoMessage: true, ServerTime: true);

    protected override async Task<ITestIrcServer> StartOwnAsync(CancellationToken cancellationToken) =>
        await ErgoServer.StartAsync(cancellationToken: cancellationToken);
}

[Collection("hybrid")]
public sealed class HybridContractTests(HybridFixture fixture) : ServerContractTests
{
    protected override ITestIrcServer Server => fixture.Server;

    protected override ServerTraits Traits { get; } = new("ircd-hybrid 8", EchoMessage: false, ServerTime: false);

    protected override async Task<ITestIrcServer> StartOwnAsync(CancellationToken cancellationToken) => await HybridServer.StartAsync(cancellationToken);
}

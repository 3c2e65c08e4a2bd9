using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>The connection against a real ngIRCd, which has no echo-message and no server-time.</summary>
[Collection("ngircd")]
public sealed class IrcConnectionNgircdTests(NgircdFixture fixture)
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;
    private readonly NgircdServer _server = fixture.Server;

    [Fact]
    public async Task WithoutEchoMessageTheGatewayRecordsOwnMessagesOnceAndTheOtherSideReceivesThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("ng");
        var nick = RawIrcClient.UniqueNick("ngme");
        await using var connection = TestConnections.Create(_server.Host, _server.Port, nick, configure: o => o with { Channels = [channel] });
        connection.Start();
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN", "the own JOIN", Timeout, ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("ngbob"), ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "JOIN" && m.Params[0] == channel, Timeout, ct);

        var before = DateTimeOffset.UtcNow;
        connection.Send([$"PRIVMSG {channel} :hello from the gateway", "PING :sync"]).Outcome.Should().Be(SendOutcome.Queued);

        var atBob = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        atBob.Params[1].Should().Be("hello from the gateway");
        await connection.Events.WaitForMessageAsync(m => m.Command == "PONG", "the PONG", Timeout, ct);
        var own = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Where(m => m.Message.Command == "PRIVMSG").ToArray();
        own.Should().ContainSingle();
        IrcSource.Parse(own[0].Message.Source!).Should().Be(IrcSource.Parse(atBob.Source!), "the gateway knows its nick!user@host from its JOIN");
        own[0].Message.Params.Should().Equal(channel, "hello from the gateway");
        own[0].Time.Should().BeOnOrAfter(before.AddSeconds(-1));
    }

    [Fact]
    public async Task RegistersAndReceivesTheOtherSidesMessagesWithReceiveTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("ngrx");
        await using var connection = TestConnections.Create(_server.Host, _server.Port, nick);
        connection.Start();
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("ngbob"), ct);

        var before = DateTimeOffset.UtcNow;
        await bob.SendAsync($"PRIVMSG {nick} :private hello", ct);

        var received = await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG", "bob's PRIVMSG", Timeout, ct);
        received.Message.Params.Should().Equal(nick, "private hello");
        IrcSource.Parse(received.Message.Source!).Nick.Should().Be(bob.Nick);
        received.Time.Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        connection.Events.Statuses().Should().Equal(IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered);
    }
}

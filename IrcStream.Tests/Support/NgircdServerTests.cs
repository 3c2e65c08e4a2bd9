using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

[Collection("ngircd")]
public sealed class NgircdServerTests(NgircdFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly NgircdServer _server = fixture.Server;

    [Fact]
    public async Task TwoClientsTalkInAChannelAndInPrivate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await ServerFixtureChecks.JoinTwoClientsAsync(_server, ct);
        var (alice, bob, channel) = (pair.Alice, pair.Bob, pair.Channel);

        await alice.SendAsync($"PRIVMSG {channel} :hi bob", ct);
        await bob.SendAsync($"PRIVMSG {alice.Nick} :hi alice", ct);

        var inChannel = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        inChannel.Params[1].Should().Be("hi bob");
        IrcSource.Parse(inChannel.Source!).Nick.Should().Be(alice.Nick);
        var inPrivate = await alice.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == alice.Nick, Timeout, ct);
        inPrivate.Params[1].Should().Be("hi alice");
    }

    [Fact]
    public async Task ServerNameAndLongNicksAreAsConfigured()
    {
        var ct = TestContext.Current.CancellationToken;
        var nick = RawIrcClient.UniqueNick("a-rather-long-nick-");
        await using var client = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, nick, ct);

        client.Nick.Should().Be(nick);
        var welcome = client.Received.Should().Contain(m => m.Command == "004").Subject;
        welcome.Params[1].Should().Be(NgircdServer.ServerName);
    }

    [Fact]
    public async Task RestartDropsClientsAndServesNewOnesOnTheSamePortAndDisposeCleansUp() =>
        await ServerFixtureChecks.RestartKeepsThePortAndDisposeCleansUpAsync(await NgircdServer.StartAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
}

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
        var channel = "#" + RawIrcClient.UniqueNick("chan");
        await using var alice = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("alice"), ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("bob"), ct);

        await alice.SendAsync($"JOIN {channel}", ct);
        await alice.WaitForAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == alice.Nick, Timeout, ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await alice.WaitForAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == bob.Nick, Timeout, ct);

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
    public async Task RestartDropsClientsAndServesNewOnesOnTheSamePort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NgircdServer.StartAsync(ct);
        var port = server.Port;
        var oldPid = server.ProcessId!.Value;
        await using var before = await RawIrcClient.ConnectAsync(server.Host, server.Port, "before", ct);

        await server.RestartAsync(ct);

        await before.Closed.WaitAsync(Timeout, ct);
        server.Port.Should().Be(port);
        InspircdServerTests.IsRunning(oldPid).Should().BeFalse();
        await using var after = await RawIrcClient.ConnectAsync(server.Host, server.Port, "after", ct);
        after.Nick.Should().Be("after");
    }

    [Fact]
    public async Task DisposeKillsTheProcessAndDeletesTheConfig()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await NgircdServer.StartAsync(ct);
        var pid = server.ProcessId!.Value;
        var directory = server.Directory;

        await server.DisposeAsync();

        InspircdServerTests.IsRunning(pid).Should().BeFalse();
        Directory.Exists(directory).Should().BeFalse();
    }
}

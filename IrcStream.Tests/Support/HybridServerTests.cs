using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

[Collection("hybrid")]
public sealed class HybridServerTests(HybridFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HybridServer _server = fixture.Server;

    [Fact]
    public async Task TwoClientsTalkInAChannelWithoutTags()
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

        var atBob = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        atBob.Params[1].Should().Be("hi bob");
        atBob.Tags.Should().BeEmpty();
        bob.Received.Should().Contain(m => m.Command == "004" && m.Params[1] == HybridServer.ServerName);
    }

    [Fact]
    public async Task LooksUpClientHostnamesThroughTheFixturesResolverNotTheMachines()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = _server.HostnameQueriesAnswered;

        await using var client = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("dns"), ct);

        _server.HostnameQueriesAnswered.Should().BeGreaterThan(before);
        client.Received.Should().Contain(m => m.Command == "NOTICE" && m.Params[m.Params.Count - 1].Contains("Couldn't look up your hostname", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebircFromLoopbackShowsTheBrowsersAddressAndAWrongPasswordIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var viaGateway = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("web"),
            LinesBeforeRegistration = [$"WEBIRC {_server.WebircPassword} ircstream somehost.example 192.0.2.10"],
        }, ct);
        await using var observer = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("obs"), ct);
        await observer.SendAsync($"WHOIS {viaGateway.Nick}", ct);
        var user = await observer.WaitForAsync(m => m.Command == "311" && m.Params[1] == viaGateway.Nick, Timeout, ct);
        user.Params[3].Should().BeOneOf("somehost.example", "192.0.2.10");

        var wrong = () => RawIrcClient.ConnectAsync(_server.Host, _server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("bad"),
            LinesBeforeRegistration = ["WEBIRC not-the-password ircstream somehost.example 192.0.2.10"],
        }, ct);
        await wrong.Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task TheOperatorMayKillAClient()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var oper = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("oper"), ct);
        await using var victim = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("victim"), ct);

        await oper.SendAsync($"OPER {HybridServer.OperName} {_server.OperPassword}", ct);
        await oper.WaitForAsync(m => m.Command == "381", Timeout, ct);
        await oper.SendAsync($"KILL {victim.Nick} :test", ct);

        await victim.Closed.WaitAsync(Timeout, ct);
    }

    [Fact]
    public async Task RestartServesNewClientsOnTheSamePortAndDisposeCleansUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await HybridServer.StartAsync(ct);
        var (port, oldPid, directory) = (server.Port, server.ProcessId!.Value, server.Directory);
        try
        {
            await using var before = await RawIrcClient.ConnectAsync(server.Host, server.Port, "before", ct);

            await server.RestartAsync(ct);

            await before.Closed.WaitAsync(Timeout, ct);
            server.Port.Should().Be(port);
            InspircdServerTests.IsRunning(oldPid).Should().BeFalse();
            await using var after = await RawIrcClient.ConnectAsync(server.Host, server.Port, "after", ct);
            after.Nick.Should().Be("after");
        }
        finally
        {
            var pid = server.ProcessId!.Value;
            await server.DisposeAsync();
            InspircdServerTests.IsRunning(pid).Should().BeFalse();
            Directory.Exists(directory).Should().BeFalse();
        }
    }
}

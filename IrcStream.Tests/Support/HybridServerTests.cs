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
        await using var pair = await ServerFixtureChecks.JoinTwoClientsAsync(_server, ct);

        await pair.Alice.SendAsync($"PRIVMSG {pair.Channel} :hi bob", ct);

        var atBob = await pair.Bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == pair.Channel, Timeout, ct);
        atBob.Params[1].Should().Be("hi bob");
        atBob.Tags.Should().BeEmpty();
        pair.Bob.Received.Should().Contain(m => m.Command == "004" && m.Params[1] == HybridServer.ServerName);
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
    public Task WebircFromLoopbackShowsTheBrowsersAddressAndAWrongPasswordIsRefused() =>
        ServerFixtureChecks.WebircIsBelievedAndAWrongPasswordRefusedAsync(_server, _server.WebircPassword, TestContext.Current.CancellationToken);

    [Fact]
    public Task TheOperatorMayKillAClient() =>
        ServerFixtureChecks.OperatorMayKillAClientAsync(_server, HybridServer.OperName, _server.OperPassword, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RestartServesNewClientsOnTheSamePortAndDisposeCleansUp() =>
        await ServerFixtureChecks.RestartKeepsThePortAndDisposeCleansUpAsync(await HybridServer.StartAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
}

using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

[Collection("InspIRCd")]
public sealed class InspircdServerTests(InspircdFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly InspircdServer _server = fixture.Server;

    [Fact]
    public async Task TwoClientsInAChannelSeeEachOthersPrivmsg()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("chan");
        await using var alice = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("alice"), ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("bob"), ct);

        await alice.SendAsync($"JOIN {channel}", ct);
        await alice.WaitForAsync(m => IsJoin(m, alice.Nick, channel), Timeout, ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => IsJoin(m, bob.Nick, channel), Timeout, ct);
        await alice.WaitForAsync(m => IsJoin(m, bob.Nick, channel), Timeout, ct);

        await alice.SendAsync($"PRIVMSG {channel} :hello from alice", ct);
        await bob.SendAsync($"PRIVMSG {channel} :hello from bob", ct);

        var atBob = await bob.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        var atAlice = await alice.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        IrcSource.Parse(atBob.Source!).Nick.Should().Be(alice.Nick);
        atBob.Params[1].Should().Be("hello from alice");
        IrcSource.Parse(atAlice.Source!).Nick.Should().Be(bob.Nick);
        atAlice.Params[1].Should().Be("hello from bob");
    }

    [Fact]
    public async Task CapLsOffersServerTimeEchoMessageAndMessageTags()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] caps = ["server-time", "echo-message", "message-tags", "batch"];
        await using var client = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("caps"), caps, ct);

        client.AvailableCapabilities.Keys.Should().Contain(caps);
        client.EnabledCapabilities.Should().BeEquivalentTo(caps);
    }

    [Fact]
    public async Task EchoMessageReturnsTheSendersOwnPrivmsgWithServerTimeAndMsgid()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("echo");
        await using var client = await RawIrcClient.ConnectAsync(
            _server.Host, _server.Port, RawIrcClient.UniqueNick("echo"), ["server-time", "echo-message", "message-tags"], ct);
        await client.SendAsync($"JOIN {channel}", ct);
        await client.WaitForAsync(m => IsJoin(m, client.Nick, channel), Timeout, ct);

        await client.SendAsync($"@+draft/test=1 PRIVMSG {channel} :echo me", ct);

        var echo = await client.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, Timeout, ct);
        IrcSource.Parse(echo.Source!).Nick.Should().Be(client.Nick);
        echo.Params[1].Should().Be("echo me");
        echo.Tags.Should().ContainKey("time").And.ContainKey("msgid").And.Contain("+draft/test", "1");
        DateTimeOffset.Parse(echo.Tags["time"], System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WebircClientIsSeenInAnotherClientsWhoisWithTheClaimedIpAndGateway()
    {
        var ct = TestContext.Current.CancellationToken;
        var webircNick = RawIrcClient.UniqueNick("web");
        await using var viaGateway = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, new RawIrcClientOptions
        {
            Nick = webircNick,
            LinesBeforeRegistration = [$"WEBIRC {_server.WebircPassword} ircstream somehost.example 192.0.2.10"],
        }, ct);
        await using var observer = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("obs"), ct);

        await observer.SendAsync($"WHOIS {viaGateway.Nick}", ct);

        // InspIRCd 3 ignores the WEBIRC hostname and shows the IP when it may not resolve it (resolvehostnames="no").
        var user = await observer.WaitForAsync(m => m.Command == "311" && m.Params[1] == viaGateway.Nick, Timeout, ct);
        user.Params[3].Should().Be("192.0.2.10");
        var gateway = await observer.WaitForAsync(m => m.Command == "350" && m.Params[1] == viaGateway.Nick, Timeout, ct);
        gateway.Params[^1].Should().Contain("ircstream");
        await observer.WaitForAsync(m => m.Command == "318", Timeout, ct);
    }

    [Fact]
    public async Task WebircWithAWrongPasswordIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var connect = () => RawIrcClient.ConnectAsync(_server.Host, _server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("bad"),
            LinesBeforeRegistration = ["WEBIRC not-the-password ircstream somehost.example 192.0.2.10"],
        }, ct);

        await connect.Should().ThrowAsync<InvalidOperationException>().WithMessage("*refused: ERROR*");
    }

    [Fact]
    public async Task JoinBeforeWelcomeIsNotHonoured()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("early");
        await using var client = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("early"),
            LinesBeforeRegistration = [$"JOIN {channel}"],
        }, ct);
        await client.SendAsync("PING :after-welcome", ct);
        await client.WaitForAsync(m => m.Command == "PONG" && m.Params[^1] == "after-welcome", Timeout, ct);

        client.Received.Should().NotContain(m => m.Command == "JOIN", "InspIRCd answers 451 to commands before registration");
    }

    [Fact]
    public async Task TwoServersStartOnDifferentPortsAndDisposeKillsTheProcessAndDeletesTheConfig()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await InspircdServer.StartAsync(ct);
        var second = await InspircdServer.StartAsync(ct);
        var pids = new[] { first.ProcessId!.Value, second.ProcessId!.Value };
        var directories = new[] { first.Directory, second.Directory };
        try
        {
            second.Port.Should().NotBe(first.Port);
            File.ReadAllText(Path.Combine(first.Directory, "inspircd.conf")).Should().Contain($"port=\"{first.Port}\"");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        foreach (var pid in pids) ServerFixtureChecks.IsRunning(pid).Should().BeFalse($"process {pid} was killed");
        foreach (var directory in directories) Directory.Exists(directory).Should().BeFalse();
    }

    [Fact]
    public async Task RestartDropsClientsAndServesNewOnesOnTheSamePortAndDisposeCleansUp() =>
        await ServerFixtureChecks.RestartKeepsThePortAndDisposeCleansUpAsync(await InspircdServer.StartAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

    [Fact]
    public async Task StopMakesThePortRefuseConnections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InspircdServer.StartAsync(ct);
        await using var client = await RawIrcClient.ConnectAsync(server.Host, server.Port, "doomed", ct);

        await server.StopAsync();

        await client.Closed.WaitAsync(Timeout, ct);
        server.ProcessId.Should().BeNull();
        var connect = () => RawIrcClient.ConnectAsync(server.Host, server.Port, "late", ct);
        await connect.Should().ThrowAsync<System.Net.Sockets.SocketException>();
    }

    private static bool IsJoin(IrcMessage message, string nick, string channel) =>
        message.Command == "JOIN" && message.Source is not null
        && IrcSource.Parse(message.Source).Nick == nick
        && string.Equals(message.Params[0], channel, StringComparison.OrdinalIgnoreCase);
}

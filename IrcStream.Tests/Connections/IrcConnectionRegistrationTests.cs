using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>Registration against the scripted fake server: CAP, SASL, nick collisions, servers without CAP, no nick.</summary>
public sealed class IrcConnectionRegistrationTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task RegistersWithCapLsNickUserThenRequestsOnlyOfferedCapsAndEndsCap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("alice", ct, configure: o => o with { Username = "al", Realname = "Alice Liddell" });
        var (connection, peer) = fake;

        await peer.WaitForAsync("CAP", Timeout, ct, "LS");
        await peer.WaitForAsync("NICK", Timeout, ct, "alice");
        var user = await peer.WaitForAsync("USER", Timeout, ct);
        user.Params.Should().Equal("al", "0", "*", "Alice Liddell");
        await peer.SendLinesAsync(ct, ":fake.server CAP * LS * :multi-prefix unknown-cap", ":fake.server CAP * LS :server-time echo-message");
        var request = await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        request.Params[^1].Split(' ').Should().BeEquivalentTo("server-time", "echo-message", "multi-prefix");
        await peer.SendLinesAsync(ct, ":fake.server CAP * ACK :server-time echo-message multi-prefix");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 alice :Welcome");

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.Events.Statuses().Should().Equal(IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered);
        connection.State.Should().Be(ConnectionState.Connected);
        connection.CurrentNick.Should().Be("alice");
        peer.ReceivedLines.Take(4).Should().Equal("CAP LS 302", "NICK alice", "USER al 0 * :Alice Liddell", "CAP REQ :server-time echo-message multi-prefix");
    }

    [Fact]
    public async Task WebircAndPassGoOutBeforeEverythingElse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "webby", configure: o => o with
        {
            Password = "server pass",
            Webirc = new WebircIdentity("hunter2", "ircstream", "browser.example", "192.0.2.7"),
        });
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.WaitForAsync("USER", Timeout, ct);

        peer.ReceivedLines.Take(4).Should().Equal("WEBIRC hunter2 ircstream browser.example 192.0.2.7", "PASS :server pass", "CAP LS 302", "NICK webby");
    }

    [Fact]
    public async Task ServerWithoutCapRegistersWithoutWaitingForCapLs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("oldie", ct);
        var (connection, peer) = fake;

        await peer.SendLinesAsync(ct, ":fake.server 421 * CAP :Unknown command");
        await peer.WelcomeAsync(Timeout, ct);

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.State.Should().Be(ConnectionState.Connected);
    }

    [Fact]
    public async Task NickInUseDuringRegistrationIsRetriedWithAnotherNickUntilAccepted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("taken", ct);
        var (connection, peer) = fake;

        await peer.WaitForAsync("NICK", Timeout, ct, "taken");
        await peer.SendLinesAsync(ct, ":fake.server 433 * taken :Nickname is already in use");
        await peer.WaitForAsync("NICK", Timeout, ct, "taken_");
        connection.CurrentNick.Should().Be("taken_");
        await peer.SendLinesAsync(ct, ":fake.server 433 * taken_ :Nickname is already in use");
        var third = await peer.WaitForAsync("NICK", Timeout, ct);
        third.Params[0].Should().MatchRegex("^taken[0-9]{3}$");
        await peer.SendLinesAsync(ct, $":fake.server 001 {third.Params[0]} :Welcome");

        var registered = await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        registered.Detail.Should().Be(third.Params[0]);
        connection.CurrentNick.Should().Be(third.Params[0]);
    }

    [Fact]
    public async Task AfterTenRefusedNicksTheGatewayStopsAndLetsTheUsersOwnNickThrough()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("bad*nick", ct);
        var (connection, peer) = fake;

        for (var i = 0; i < 10; i++)
        {
            var nick = await peer.WaitForAsync("NICK", Timeout, ct);
            await peer.SendLinesAsync(ct, $":fake.server 432 * {nick.Params[0]} :Erroneous nickname");
        }

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain("refused 10 nicks");
        connection.Send(["NICK goodnick"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("NICK", Timeout, ct, "goodnick");
        peer.ReceivedLines.Count(l => l.StartsWith("NICK ", StringComparison.Ordinal)).Should().Be(11);
    }

    [Fact]
    public async Task AnswersPingWhileRegistering()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("pinged", ct);
        var (connection, peer) = fake;

        await peer.WaitForAsync("USER", Timeout, ct);
        await peer.SendLinesAsync(ct, "PING :before-welcome 123");

        var pong = await peer.WaitForAsync("PONG", Timeout, ct);
        pong.Params.Should().Equal("before-welcome 123");
        connection.State.Should().Be(ConnectionState.Registering);
    }

    [Fact]
    public async Task SaslPlainLogsInBeforeCapEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("sasly", ct, configure: o => o with { Sasl = new SaslCredentials("acct", "s3cret") });
        var peer = fake.Peer;

        (await peer.NegotiateCapsAsync("sasl=PLAIN,EXTERNAL message-tags", Timeout, ct)).Should().Equal("message-tags", "sasl");
        (await peer.ReceiveSaslPlainAsync(Timeout, ct)).Should().Be("acct\0acct\0s3cret");
        peer.ReceivedLines.Should().NotContain("CAP END", "CAP END must wait for the SASL result");
        await peer.SendLinesAsync(ct, ":fake.server 900 sasly sasly!u@h acct :You are now logged in as acct", ":fake.server 903 sasly :SASL authentication successful");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 sasly :Welcome");

        await fake.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        fake.Events.Statuses().Should().NotContain(IrcStatus.Error);
    }

    [Fact]
    public async Task SaslFailureIsAnErrorStatusAndRegistrationGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("saslno", ct, configure: o => o with { Sasl = new SaslCredentials("acct", "wrong") });
        var peer = fake.Peer;
        await peer.NegotiateCapsAsync("sasl", Timeout, ct);
        await peer.ReceiveSaslPlainAsync(Timeout, ct);

        await peer.SendLinesAsync(ct, ":fake.server 904 saslno :SASL authentication failed");

        var error = await fake.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain("SASL").And.Contain("acct").And.Contain("authentication failed").And.NotContain("wrong");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 saslno :Welcome");
        await fake.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
    }

    [Fact]
    public async Task SaslRequestedFromAServerWithoutSaslIsAnErrorAndRegistrationGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("nosasl", ct, configure: o => o with { Sasl = new SaslCredentials("acct", "pw") });

        (await fake.Peer.NegotiateCapsAsync("message-tags", Timeout, ct)).Should().Equal("message-tags");

        (await fake.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct)).Detail.Should().Contain("does not offer SASL");
        await fake.Peer.WaitForAsync("CAP", Timeout, ct, "END");
        fake.Peer.ReceivedLines.Should().NotContain(l => l.StartsWith("AUTHENTICATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutANickNothingIsSentAndTheNickIsTrackedFromTheClientsOwnRegistration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;
        connection.State.Should().Be(ConnectionState.Registering);

        await peer.SyncAsync(Timeout, ct);
        peer.ReceivedLines.Should().ContainSingle("the gateway must not register by itself").Which.Should().StartWith("PONG ");

        connection.Send(["NICK selfreg", "USER self 0 * :Self"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WelcomeAsync(Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.CurrentNick.Should().Be("selfreg");
        connection.State.Should().Be(ConnectionState.Connected);

        await peer.SendLinesAsync(ct, ":selfreg!self@host NICK :renamed");
        await connection.Events.WaitForMessageAsync(m => m.Command == "NICK", "NICK", Timeout, ct);
        connection.CurrentNick.Should().Be("renamed");
    }
}

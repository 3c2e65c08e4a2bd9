using System.Text;
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
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "alice", configure: o => o with { Username = "al", Realname = "Alice Liddell" });
        var peer = await server.AcceptAsync(Timeout, ct);

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
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "oldie");
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.SendLinesAsync(ct, ":fake.server 421 * CAP :Unknown command");
        await peer.WelcomeAsync(Timeout, ct);

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.State.Should().Be(ConnectionState.Connected);
    }

    [Fact]
    public async Task NickInUseDuringRegistrationIsRetriedWithAnotherNickUntilAccepted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "taken");
        var peer = await server.AcceptAsync(Timeout, ct);

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
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "bad*nick");
        var peer = await server.AcceptAsync(Timeout, ct);

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
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "pinged");
        var peer = await server.AcceptAsync(Timeout, ct);

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
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "sasly", configure: o => o with { Sasl = new SaslCredentials("acct", "s3cret") });
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.WaitForAsync("CAP", Timeout, ct, "LS");
        await peer.SendLinesAsync(ct, ":fake.server CAP * LS :sasl=PLAIN,EXTERNAL message-tags");
        var request = await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        request.Params[^1].Should().Be("message-tags sasl");
        await peer.SendLinesAsync(ct, ":fake.server CAP * ACK :message-tags sasl");
        (await peer.WaitForAsync("AUTHENTICATE", Timeout, ct)).Params.Should().Equal("PLAIN");
        await peer.SendLinesAsync(ct, "AUTHENTICATE +");
        var credentials = await peer.WaitForAsync("AUTHENTICATE", Timeout, ct);
        Encoding.UTF8.GetString(Convert.FromBase64String(credentials.Params[0])).Should().Be("acct\0acct\0s3cret");
        peer.ReceivedLines.Should().NotContain("CAP END", "CAP END must wait for the SASL result");
        await peer.SendLinesAsync(ct, ":fake.server 900 sasly sasly!u@h acct :You are now logged in as acct", ":fake.server 903 sasly :SASL authentication successful");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 sasly :Welcome");

        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.Events.Statuses().Should().NotContain(IrcStatus.Error);
    }

    [Fact]
    public async Task SaslFailureIsAnErrorStatusAndRegistrationGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "saslno", configure: o => o with { Sasl = new SaslCredentials("acct", "wrong") });
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.WaitForAsync("CAP", Timeout, ct, "LS");
        await peer.SendLinesAsync(ct, ":fake.server CAP * LS :sasl");
        await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        await peer.SendLinesAsync(ct, ":fake.server CAP * ACK :sasl");
        await peer.WaitForAsync("AUTHENTICATE", Timeout, ct);
        await peer.SendLinesAsync(ct, "AUTHENTICATE +");
        await peer.WaitForAsync("AUTHENTICATE", Timeout, ct);
        await peer.SendLinesAsync(ct, ":fake.server 904 saslno :SASL authentication failed");

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain("SASL").And.Contain("acct").And.Contain("authentication failed").And.NotContain("wrong");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 saslno :Welcome");
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
    }

    [Fact]
    public async Task WithoutANickNothingIsSentAndTheNickIsTrackedFromTheClientsOwnRegistration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, nick: null);
        var peer = await server.AcceptAsync(Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Connected, Timeout, ct);
        connection.State.Should().Be(ConnectionState.Registering);

        await peer.SendLinesAsync(ct, "PING :probe");
        await peer.WaitForAsync("PONG", Timeout, ct);
        peer.ReceivedLines.Should().Equal(["PONG probe"], "the gateway must not register by itself");

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

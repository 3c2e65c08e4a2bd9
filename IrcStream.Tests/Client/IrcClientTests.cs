using System.Text.Json;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;

namespace IrcStream.Tests.Client;

/// <summary>The IRC client's rules, conversation by conversation, without a socket (see <see cref="ClientScript"/> for the steps).</summary>
public sealed class IrcClientTests
{
    private static readonly string[] Registers = ["!! CONNECTED irc.test:6667", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me"];
    private static readonly string[] Welcomed = [.. Registers, "<< :srv 421 me CAP :Unknown command", "<< :srv 001 me :Welcome", "!! REGISTERED me"];
    private static readonly string[] WelcomedWithEcho =
        [.. Registers, "<< :srv CAP * LS :echo-message", ">> CAP REQ :echo-message", "<< :srv CAP * ACK :echo-message", ">> CAP END", "<< :srv 001 me :Welcome", "!! REGISTERED me"];

    /// <summary>Registration up to the server's ACK of sasl and the gateway's AUTHENTICATE PLAIN.</summary>
    private static string[] SaslAccepted(string nick) =>
        ["!! CONNECTED", ">> CAP LS 302", $">> NICK {nick}", $">> USER {nick} 0 * {nick}", "<< :srv CAP * LS :sasl", ">> CAP REQ :sasl", "<< :srv CAP * ACK :sasl", ">> AUTHENTICATE PLAIN"];

    private static readonly Dictionary<string, (IrcConnectionOptions Options, string[] Steps)> Conversations = new()
    {
        ["registration with CAP"] = (Options("alice") with { Username = "al", Realname = "Alice Liddell" },
        [
            "!! CONNECTED irc.test:6667", ">> CAP LS 302", ">> NICK alice", ">> USER al 0 * :Alice Liddell",
            "<< :srv CAP * LS * :multi-prefix unknown-cap",
            "<< :srv CAP * LS :server-time echo-message",
            ">> CAP REQ :server-time echo-message multi-prefix",
            "<< :srv CAP alice ACK :server-time echo-message multi-prefix",
            ">> CAP END",
            "<< :srv 001 alice :Welcome",
            "!! REGISTERED alice",
        ]),
        ["registration without CAP"] = (Options("me"), Welcomed),
        ["account registration: REGISTER and VERIFY go out as written; the answers and FAIL, WARN, NOTE are recorded as they come"] = (Options("me"),
        [
            .. Welcomed,
            "user: REGISTER * me@example.test s3cret",
            "<< :srv REGISTER VERIFICATION_REQUIRED me :Account created, pending verification; verification code has been sent to me@example.test",
            "user: VERIFY me 12345",
            "<< :srv FAIL VERIFY INVALID_CODE me :Invalid verification code",
            "<< :srv WARN REHASH CERTS_EXPIRED :Certificate [xxx] has expired",
            "<< :srv NOTE * OPER_MESSAGE :The server is restarting in an hour",
            "user: VERIFY me 54321",
            "<< :srv VERIFY SUCCESS me :Account verification successful",
        ]),
        ["WEBIRC and PASS go first"] = (Options("me") with { Password = "server pass", Webirc = new WebircIdentity("hunter2", "ircstream", "browser.example", "192.0.2.7") },
        [
            "!! CONNECTED", ">> WEBIRC hunter2 ircstream browser.example 192.0.2.7", ">> PASS :server pass", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        ]),
        ["WEBIRC carries its IRCv3 options last"] = (Options("me") with { Webirc = new WebircIdentity("hunter2", "ircstream", "192.0.2.7", "192.0.2.7", Secure: true, RemotePort: 51234, LocalPort: 443) },
        [
            "!! CONNECTED", ">> WEBIRC hunter2 ircstream 192.0.2.7 192.0.2.7 :secure remote-port=51234 local-port=443", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        ]),
        ["USER follows the operator's templates with the user's own choice in them"] = (Options("me") with { Username = "al", Realname = "Alice {nick}", UserTemplate = new UserTemplate("c0000207", "{realname} [{nick}] {username}") },
        [
            "!! CONNECTED", ">> CAP LS 302", ">> NICK me", ">> USER c0000207 0 * :Alice {nick} [me] al",
        ]),
        ["a bad setting is refused with an error, not sent"] = (Options("me") with { Password = "a\rb" },
        [
            "!! CONNECTED", "!! ERROR The gateway did not send a line built from the connection's settings", ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        ]),
        ["SASL PLAIN succeeds"] = (Options("alice") with { Sasl = new SaslCredentials("alice", "pw") },
        [
            "!! CONNECTED", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :sasl=PLAIN,EXTERNAL",
            ">> CAP REQ :sasl",
            "<< :srv CAP * ACK :sasl",
            ">> AUTHENTICATE PLAIN",
            "<< AUTHENTICATE +",
            ">> AUTHENTICATE YWxpY2UAYWxpY2UAcHc=",
            "<< :srv 903 alice :SASL authentication successful",
            ">> CAP END",
            "<< :srv 001 alice :Welcome", "!! REGISTERED alice",
        ]),
        ["SASL PLAIN fails"] = (Options("alice") with { Sasl = new SaslCredentials("alice", "wrong") },
        [
            "!! CONNECTED", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :sasl server-time",
            ">> CAP REQ :server-time sasl",
            "<< :srv CAP * ACK :server-time sasl",
            ">> AUTHENTICATE PLAIN",
            "<< AUTHENTICATE +",
            ">> AUTHENTICATE YWxpY2UAYWxpY2UAd3Jvbmc=",
            "<< :srv 904 alice :SASL authentication failed",
            "!! ERROR SASL authentication as alice failed (904: SASL authentication failed); continuing without it.",
            ">> CAP END",
        ]),
        ["SASL not offered"] = (Options("alice") with { Sasl = new SaslCredentials("alice", "pw") },
        [
            "!! CONNECTED", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :unknown-cap",
            "!! ERROR The server does not offer SASL; registering without logging in.",
            ">> CAP END",
        ]),
        ["SASL offered without PLAIN"] = (Options("alice") with { Sasl = new SaslCredentials("alice", "pw") },
        [
            "!! CONNECTED", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :sasl=EXTERNAL",
            "!! ERROR The server offers SASL only with EXTERNAL, not PLAIN",
            ">> CAP END",
        ]),
        ["registration with a server that ignores CAP LS"] = (Options("me"),
        [
            .. Registers,
            "<< :srv 001 me :Welcome",
            "!! REGISTERED me",
        ]),
        ["SASL PLAIN sends a payload of 400 bytes in one chunk and an empty one"] = (Options("me") with { Sasl = new SaslCredentials(new string('a', 148), "pw") },
        [
            .. SaslAccepted("me"),
            "<< AUTHENTICATE +",
            $">> AUTHENTICATE {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{new string('a', 148)}\0{new string('a', 148)}\0pw"))}",
            ">> AUTHENTICATE +",
            "<< :srv 903 me :SASL authentication successful",
            ">> CAP END",
        ]),
        ["SASL refused for a locked account (902) goes on without it"] = (Options("alice") with { Sasl = new SaslCredentials("alice", "pw") },
        [
            .. SaslAccepted("alice"),
            "<< :srv 902 alice :You must use a nick assigned to you",
            "!! ERROR SASL authentication as alice failed (902: You must use a nick assigned to you)",
            ">> CAP END",
            "<< :srv 001 alice :Welcome", "!! REGISTERED alice",
        ]),
        ["a NAK ends CAP without the caps"] = (Options("me"),
        [
            .. Registers,
            "<< :srv CAP * LS :server-time",
            ">> CAP REQ :server-time",
            "<< :srv CAP * NAK :server-time",
            ">> CAP END",
        ]),
        ["nick in use later is the user's business, and the nick stays"] = (Options("me"),
        [
            .. Welcomed,
            "user: NICK other",
            "<< :srv 433 me other :Nickname is already in use",
            "user: PRIVMSG #c :still me",
            "== :me PRIVMSG #c :still me",
        ]),
        ["a nick change of the own nick is followed"] = (Options("me"),
        [
            .. Welcomed,
            "<< :me!u@h NICK :renamed",
            "user: PRIVMSG #c :hi",
            "== :renamed!u@h PRIVMSG #c :hi",
        ]),
        ["PING is answered at once, also while registering"] = (Options("me"),
        [
            .. Registers,
            "<< PING :token",
            ">> PONG token",
        ]),
        ["own messages without echo-message"] = (Options("me"),
        [
            .. Welcomed,
            "user: PRIVMSG #c :before the server showed my host",
            "== :me PRIVMSG #c :before the server showed my host",
            "<< :me!u@h JOIN #c",
            "user: NOTICE #c :after",
            "== :me!u@h NOTICE #c :after",
        ]),
        ["own messages with echo-message are the server's echo only"] = (Options("me"),
        [
            .. WelcomedWithEcho,
            "user: PRIVMSG #c :hi",
            "<< :me!u@h PRIVMSG #c :hi",
        ]),
        ["CAP NEW echo-message with lines in flight, then ACK and DEL"] = (Options("me"),
        [
            .. Welcomed,
            "<< :srv CAP me NEW :sasl=PLAIN echo-message unknown-cap",
            ">> CAP REQ :echo-message",
            "user: PRIVMSG #c :in flight",
            "<< :srv CAP me ACK :echo-message",
            "<< :me!u@h PRIVMSG #c :in flight",
            "user: PRIVMSG #c :after ack",
            "<< :me!u@h PRIVMSG #c :after ack",
            "<< :srv CAP me DEL :echo-message",
            "user: PRIVMSG #c :after del",
            "== :me!u@h PRIVMSG #c :after del",
        ]),
        ["CAP NEW echo-message with lines in flight, then NAK"] = (Options("me"),
        [
            .. Welcomed,
            "<< :srv CAP me NEW :echo-message batch",
            ">> CAP REQ :echo-message batch",
            "user: PRIVMSG #c :pending",
            "<< :srv CAP me NAK :echo-message batch",
            "== :me PRIVMSG #c :pending",
        ]),
        ["CAP DEL echo-message with a line in flight: the server still echoes it"] = (Options("me"),
        [
            .. Registers,
            "<< :srv CAP * LS :echo-message cap-notify",
            ">> CAP REQ :echo-message cap-notify",
            "<< :srv CAP * ACK :echo-message cap-notify",
            ">> CAP END",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            "user: PRIVMSG #c :in flight",
            "<< :srv CAP me DEL :echo-message",
            "<< :me!u@h PRIVMSG #c :in flight",
            "user: PRIVMSG #c :after del",
            "== :me!u@h PRIVMSG #c :after del",
        ]),
        ["a user's CAP REQ turning echo-message off holds own lines until the ACK"] = (Options("me"),
        [
            .. WelcomedWithEcho,
            "user: CAP REQ :-echo-message",
            "user: PRIVMSG #c :pending",
            "<< :srv CAP me ACK :-echo-message",
            "== :me PRIVMSG #c :pending",
            "user: PRIVMSG #c :after",
            "== :me PRIVMSG #c :after",
        ]),
        ["a socket lost before the answer to an echo-message REQ: the held lines are recorded"] = (Options("me"),
        [
            .. Welcomed,
            "<< :srv CAP me NEW :echo-message",
            ">> CAP REQ :echo-message",
            "user: PRIVMSG #c :in flight when the socket went",
            "-- lost",
            "== :me PRIVMSG #c :in flight when the socket went",
            ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
        ]),
        ["a user's own CAP REQ for echo-message holds own lines too"] = (Options(null),
        [
            "!! CONNECTED",
            "user: CAP REQ :echo-message",
            "user: NICK me",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            "user: PRIVMSG #c :held",
            "<< :srv CAP me ACK :echo-message",
            "<< :me!u@h PRIVMSG #c :held",
        ]),
        ["configured channels are joined after the welcome, refused ones are not tried again"] = (Options("me") with { Channels = ["#a", "#banned", "#b"] },
        [
            .. Welcomed,
            ">> JOIN #a,#banned,#b",
            "<< :me!u@h JOIN #a",
            "<< :srv 474 me #banned :Cannot join channel (+b)",
            "-- lost",
            ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            ">> JOIN #b,#a",
        ]),
        ["rejoin with keys after MODE +k and -k"] = (Options("me") with { Channels = ["#a"] },
        [
            .. Welcomed,
            ">> JOIN #a",
            "user: JOIN #b,#c,#d kb,kc",
            "<< :me!u@h JOIN #a", "<< :me!u@h JOIN #b", "<< :me!u@h JOIN #c", "<< :me!u@h JOIN #d",
            "<< :op!o@h MODE #b -k kb",
            "<< :op!o@h MODE #d +lk 10 kd",
            "<< :srv 005 me CHANMODES=beI,k,lf,imnt PREFIX=(qov)~@+ :are supported",
            "<< :op!o@h MODE #a +fqk 5:10 me ka",
            "<< :op!o@h PART #c :not me",
            "<< :op!o@h KICK #d me :out",
            "-- lost",
            ">> CAP LS 302", ">> NICK me", ">> USER me 0 * me",
            "<< :srv 001 me :Welcome", "!! REGISTERED me",
            ">> JOIN #a ka",
            ">> JOIN #c kc",
            ">> JOIN #b",
        ]),
    };

    public static TheoryData<string> ConversationNames => [.. Conversations.Keys];

    [Theory]
    [MemberData(nameof(ConversationNames))]
    public void Conversation(string name)
    {
        var (options, steps) = Conversations[name];

        new ClientScript(options).Play(steps).End();
    }

    [Theory]
    [InlineData("432 * taken :Erroneous nickname")]
    [InlineData("433 * taken :Nickname is already in use")]
    [InlineData("436 * taken :Nickname collision")]
    [InlineData("437 * taken :Nick/channel is temporarily unavailable")]
    public void ANickRefusedAtRegistrationIsReplaced(string refusal) =>
        new ClientScript(Options("taken")).Play(
            "!! CONNECTED", ">> CAP LS 302", ">> NICK taken", ">> USER taken 0 * taken",
            $"<< :srv {refusal}",
            ">> NICK taken_",
            "<< :srv 001 taken_ :Welcome",
            "!! REGISTERED taken_").End();

    [Fact]
    public void ALoginGivenAfterConnectingIsUsedFromTheNextRegistration()
    {
        var script = new ClientScript(Options("alice")).Play(
            "!! CONNECTED", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :sasl", ">> CAP END", "<< :srv 001 alice :Welcome", "!! REGISTERED alice");

        // The user registered the account on this socket (REGISTER ... SUCCESS): nothing goes out now.
        script.Client.UseSasl(new SaslCredentials("alice", "pw"));
        script.Client.Options.Sasl.Should().Be(new SaslCredentials("alice", "pw"));

        script.Play(
            "--", ">> CAP LS 302", ">> NICK alice", ">> USER alice 0 * alice",
            "<< :srv CAP * LS :sasl", ">> CAP REQ :sasl", "<< :srv CAP * ACK :sasl", ">> AUTHENTICATE PLAIN",
            "<< AUTHENTICATE +", ">> AUTHENTICATE YWxpY2UAYWxpY2UAcHc=").End();
    }

    [Fact]
    public void TheStateFollowsRegistrationAndTheWelcome()
    {
        var script = new ClientScript(Options("taken"));
        script.State.Connection.Should().Be(ConnectionState.Registering);
        script.UserLinesOpen.Should().BeFalse("a server drops commands sent before its welcome");

        script.Play(Registers.Select(s => s.Replace(" me", " taken")).ToArray())
            .Play("<< :srv 433 * taken :Nickname is already in use", ">> NICK taken_");
        script.State.Nick.Should().Be("taken_");
        script.State.Registration!.NickAttempts.Should().Be(1);

        script.Play("<< :srv 001 taken_ :Welcome", "!! REGISTERED taken_", "<< :taken_!u@h.example JOIN #x").End();
        script.State.Connection.Should().Be(ConnectionState.Connected);
        script.State.OwnSource.Should().Be("taken_!u@h.example");
        script.State.Joined.Should().Equal("#x");
        script.UserLinesOpen.Should().BeTrue();
    }

    [Fact]
    public void AClientThatRegistersItselfSendsNothingAndLetsUserLinesOutAtOnce()
    {
        var script = new ClientScript(Options(null));

        script.Play("!! CONNECTED").End();
        script.UserLinesOpen.Should().BeTrue();
        script.State.Registration.Should().BeNull();
    }

    [Fact]
    public void AfterTooManyRefusedNicksTheGatewayGivesUpAndLetsTheUsersNickThrough()
    {
        var script = new ClientScript(Options("busy")).Play("!! CONNECTED", ">> CAP LS 302", ">> NICK busy", ">> USER busy 0 * busy");
        for (var i = 1; i < IrcClient.MaxNickAttempts; i++)
        {
            script.Play($"<< :srv 433 * x :Nickname is already in use");
            script.Play($">> NICK {script.State.Registration!.AttemptedNick}");
        }
        script.UserLinesOpen.Should().BeFalse();

        script.Play("<< :srv 433 * x :Nickname is already in use", $"!! ERROR The server refused {IrcClient.MaxNickAttempts} nicks").End();

        script.UserLinesOpen.Should().BeTrue();
    }

    [Fact]
    public void TheStateIsAPlainValueThatSurvivesJsonAndCarriesOnElsewhere()
    {
        var options = Options("me") with { Channels = ["#a"] };
        var first = new ClientScript(options).Play([.. Welcomed, ">> JOIN #a", "<< :me!u@h JOIN #a", "<< :op!o@h MODE #a +k secret", "<< :srv CAP me NEW :echo-message", ">> CAP REQ :echo-message", "user: PRIVMSG #a :held"]);

        var json = JsonSerializer.Serialize(first.State);
        var restored = JsonSerializer.Deserialize<IrcClientState>(json)!;

        restored.Should().BeEquivalentTo(first.State);
        var output = new IrcClientOutput();
        var elsewhere = new IrcClient(options, restored);
        elsewhere.Receive(Domain.Protocol.IrcMessage.Parse(":srv CAP me NAK :echo-message"), ClientScript.Now, output);
        output.Events.OfType<MessageEvent>().Select(e => e.Message.ToString()).Should().Equal(":srv CAP me NAK echo-message", ":me!u@h PRIVMSG #a held");
        output.Clear();
        elsewhere.Opened("irc.test:6667", ClientScript.Now, output);
        elsewhere.Receive(Domain.Protocol.IrcMessage.Parse(":srv 001 me :Welcome"), ClientScript.Now, output);
        output.Lines.Should().EndWith("JOIN #a secret");
    }

    [Theory]
    [InlineData(ConnectionState.Connecting, IrcStatus.Connecting)]
    [InlineData(ConnectionState.Registering, IrcStatus.Connected)]
    [InlineData(ConnectionState.Connected, IrcStatus.Registered)]
    [InlineData(ConnectionState.Reconnecting, IrcStatus.Reconnecting)]
    [InlineData(ConnectionState.Disconnected, IrcStatus.Disconnected)]
    [InlineData(ConnectionState.Closed, IrcStatus.Closed)]
    public void EachStateIsAnnouncedByOneStatus(ConnectionState state, string status) =>
        IrcClient.StatusOf(state).Should().Be(status);

    [Fact]
    public void JoinLinesPackChannelsUnderTheLimitAndSkipNamesNoLineCanCarry()
    {
        var many = Enumerable.Range(0, 60).Select(i => $"#channel-number-{i:D3}").ToArray();

        var lines = IrcClient.JoinLines([.. many, "#with space", "", "#a,b"]).ToArray();

        lines.Should().HaveCountGreaterThan(1);
        lines.Should().OnlyContain(l => l.StartsWith("JOIN #", StringComparison.Ordinal) && l.Length <= 410 && Domain.Protocol.OutgoingLineRules.Validate(l) == null);
        lines.SelectMany(l => l["JOIN ".Length..].Split(',')).Should().Equal(many);
    }

    [Fact]
    public void QuitReasonsAreCleanedAndShortened() =>
        IrcClient.QuitLine("bye\r\nnow " + new string('x', 300)).Should().MatchRegex("^QUIT :bye now x+$").And.HaveLength("QUIT :".Length + 120);

    private static IrcConnectionOptions Options(string? nick) => ClientScript.Options(nick);
}

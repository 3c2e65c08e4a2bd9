using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

[Collection("Ergo")]
public sealed class ErgoServerTests(ErgoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ErgoServer _server = fixture.Server;

    [Fact]
    public async Task OffersChathistoryEventPlaybackAccountRegistrationSaslAndMonitor()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] caps = ["draft/chathistory", "draft/event-playback", "batch", "server-time", "message-tags", "echo-message"];
        await using var client = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("caps"), caps, ct);

        client.EnabledCapabilities.Should().BeEquivalentTo(caps);
        client.AvailableCapabilities.Keys.Should().Contain(["draft/account-registration", "sasl"]);
        client.AvailableCapabilities["sasl"].Split(',').Should().Contain("PLAIN");
        var isupport = client.Received.Where(m => m.Command == "005").SelectMany(m => m.Params).ToArray();
        isupport.Should().Contain(p => p.StartsWith("MONITOR=", StringComparison.Ordinal));
        client.Received.Should().Contain(m => m.Command == "004" && m.Params[1] == ErgoServer.ServerName);
    }

    [Fact]
    public async Task ChathistoryBringsBackWhatAChannelSaidWithMsgids()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("hist");
        await using var alice = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("alice"), ct);
        await alice.SendAsync($"JOIN {channel}", ct);
        await alice.WaitForAsync(m => m.Command == "JOIN", Timeout, ct);
        for (var i = 1; i <= 3; i++) await alice.SendAsync($"PRIVMSG {channel} :line {i}", ct);
        await using var bob = await RawIrcClient.ConnectAsync(
            _server.Host, _server.Port, RawIrcClient.UniqueNick("bob"), ["draft/chathistory", "batch", "server-time", "message-tags"], ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "366", Timeout, ct);

        await bob.SendAsync($"CHATHISTORY LATEST {channel} * 10", ct);

        await bob.WaitForAsync(m => m.Command == "BATCH" && m.Params[0].StartsWith('-'), Timeout, ct);
        var lines = bob.Received.Where(m => m.Command == "PRIVMSG" && m.Tags.ContainsKey("batch")).ToArray();
        lines.Where(m => IrcSource.Parse(m.Source!).Nick == alice.Nick).Select(m => m.Params[1]).Should().Equal("line 1", "line 2", "line 3");
        lines.Should().OnlyContain(m => m.Tags.ContainsKey("msgid") && m.Tags.ContainsKey("time"));
        lines.Where(m => IrcSource.Parse(m.Source!).Nick != alice.Nick).Should().OnlyContain(
            m => IrcSource.Parse(m.Source!).Nick == "HistServ", "without draft/event-playback Ergo replays joins as HistServ PRIVMSGs");
    }

    [Fact]
    public async Task WithEventPlaybackChathistoryReplaysJoinsAsJoins()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = "#" + RawIrcClient.UniqueNick("play");
        await using var alice = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("alice"), ct);
        await alice.SendAsync($"JOIN {channel}", ct);
        await alice.SendAsync($"PRIVMSG {channel} :hello", ct);
        await using var bob = await RawIrcClient.ConnectAsync(_server.Host, _server.Port, RawIrcClient.UniqueNick("bob"),
            ["draft/chathistory", "draft/event-playback", "batch", "server-time", "message-tags"], ct);
        await bob.SendAsync($"JOIN {channel}", ct);
        await bob.WaitForAsync(m => m.Command == "366", Timeout, ct);

        await bob.SendAsync($"CHATHISTORY LATEST {channel} * 10", ct);

        await bob.WaitForAsync(m => m.Command == "BATCH" && m.Params[0].StartsWith('-'), Timeout, ct);
        var replayed = bob.Received.Where(m => m.Tags.ContainsKey("batch")).ToArray();
        replayed.Select(m => m.Command).Should().StartWith(["JOIN", "PRIVMSG"]);
        replayed.Should().NotContain(m => m.Source != null && IrcSource.Parse(m.Source).Nick == "HistServ");
    }

    [Fact]
    public Task WebircFromLoopbackIsBelievedAndAWrongPasswordIsRefused() =>
        ServerFixtureChecks.WebircIsBelievedAndAWrongPasswordRefusedAsync(_server, _server.WebircPassword, TestContext.Current.CancellationToken);

    [Fact]
    public Task TheOperatorMayKillAClient() =>
        ServerFixtureChecks.OperatorMayKillAClientAsync(_server, ErgoServer.OperName, _server.OperPassword, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RegisterCreatesAnAccountThatSaslPlainLogsInto()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = RawIrcClient.UniqueNick("acct");
        await using (var registering = await RawIrcClient.ConnectAsync(
            _server.Host, _server.Port, account, ["draft/account-registration", "labeled-response", "batch"], ct))
        {
            await registering.SendAsync($"REGISTER * * s3cret-{account}", ct);
            var success = await registering.WaitForAsync(m => m.Command is "REGISTER" or "FAIL", Timeout, ct);
            success.Command.Should().Be("REGISTER", string.Join(' ', success.Params));
            success.Params[0].Should().Be("SUCCESS");
            success.Params[1].Should().Be(account);
        }

        await using var connection = TestConnections.Create(_server.Host, _server.Port, RawIrcClient.UniqueNick("other"),
            configure: o => o with { Sasl = new SaslCredentials(account, $"s3cret-{account}") });
        connection.Start();
        var loggedIn = await connection.Events.WaitForMessageAsync(m => m.Command is "900" or "904", "the SASL answer", Timeout, ct);
        loggedIn.Message.Command.Should().Be("900");
        loggedIn.Message.Params[2].Should().Be(account);
    }

    [Fact]
    public async Task WithEmailVerificationRegisterMailsACodeThatVerifyAccepts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var smtp = new SmtpSink();
        await using var server = await ErgoServer.StartAsync(new ErgoServerOptions { SmtpPort = smtp.Port }, ct);
        var account = RawIrcClient.UniqueNick("mail");
        await using var client = await RawIrcClient.ConnectAsync(server.Host, server.Port, account, ["draft/account-registration"], ct);

        await client.SendAsync($"REGISTER * {account}@example.test s3cret-{account}", ct);

        var pending = await client.WaitForAsync(m => m.Command is "REGISTER" or "FAIL", Timeout, ct);
        pending.Params.Take(2).Should().Equal("VERIFICATION_REQUIRED", account);
        var mail = await smtp.NextAsync(Timeout, ct);
        mail.Recipients.Should().Equal($"{account}@example.test");
        var code = System.Text.RegularExpressions.Regex.Match(mail.Text, $@"VERIFY {account} (\S+)").Groups[1].Value;
        code.Should().NotBeEmpty(mail.Text);
        await client.SendAsync($"VERIFY {account} {code}", ct);
        var verified = await client.WaitForAsync(m => m.Command is "VERIFY" or "FAIL", Timeout, ct);
        verified.Params.Take(2).Should().Equal("SUCCESS", account);
    }

    [Fact]
    public async Task RestartDropsClientsAndServesNewOnesOnTheSamePortAndDisposeCleansUp() =>
        await ServerFixtureChecks.RestartKeepsThePortAndDisposeCleansUpAsync(await ErgoServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
}

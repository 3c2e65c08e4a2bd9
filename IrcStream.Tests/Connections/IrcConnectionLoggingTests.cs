using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Logging;

namespace IrcStream.Tests.Connections;

public sealed class IrcConnectionLoggingTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task EachLifecycleStepIsOneInformationLineWithTheIdAndServerAndNoSecretOrMessageText()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        var logger = new ListLogger<IrcConnection>();
        var options = new IrcConnectionOptions
        {
            ConnectionId = "log-id-1",
            Host = server.Host,
            Port = server.Port,
            Nick = "logged",
            Password = "pass-secret",
            Sasl = new SaslCredentials("acct", "sasl-secret"),
            Webirc = new WebircIdentity("webirc-secret", "ircstream", "h.example", "192.0.2.1"),
        };
        var connection = new IrcConnection(options, TestConnections.Settings, logger);
        connection.Start();
        var peer = await server.AcceptAsync(Timeout, ct);
        await peer.WaitForAsync("CAP", Timeout, ct, "LS");
        await peer.SendLinesAsync(ct, "CAP * LS :sasl");
        await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        await peer.SendLinesAsync(ct, "CAP * ACK :sasl");
        await peer.WaitForAsync("AUTHENTICATE", Timeout, ct);
        await peer.SendLinesAsync(ct, "AUTHENTICATE +");
        await peer.WaitForAsync("AUTHENTICATE", Timeout, ct);
        await peer.SendLinesAsync(ct, ":fake.server 904 logged :SASL authentication failed", ":fake.server 001 logged :Welcome");
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        connection.Send(["PRIVMSG #c :message-text-secret"]);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SendLinesAsync(ct, ":bob!b@h PRIVMSG logged :incoming-text-secret");
        await connection.Events.WaitForMessageAsync(m => m.Source == "bob!b@h", "bob's message", Timeout, ct);
        await connection.DisposeAsync();

        var information = logger.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Text).ToArray();
        information.Should().HaveCount(4, string.Join(Environment.NewLine, information));
        information.Should().OnlyContain(t => t.Contains("log-id-1") && t.Contains($"127.0.0.1:{server.Port}"));
        information.Should().SatisfyRespectively(
            t => t.Should().Contain("connecting"),
            t => t.Should().Contain("connected"),
            t => t.Should().Contain("registered").And.Contain("logged"),
            t => t.Should().Contain("closed"));
        logger.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Text.Contains("SASL"));
        foreach (var secret in new[] { "pass-secret", "sasl-secret", "webirc-secret", "message-text-secret", "incoming-text-secret" })
            logger.Entries.Should().NotContain(e => e.Text.Contains(secret), $"'{secret}' must never be logged");
    }
}

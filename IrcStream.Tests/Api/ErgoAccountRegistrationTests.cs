using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using IrcStream.Domain.Events;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api;

/// <summary>
/// Ergo's account registration (<c>draft/account-registration</c>) and its standard replies through the gateway's HTTP API,
/// as the web client's onboarding uses them: a browser posts <c>REGISTER</c> and <c>VERIFY</c> to <c>/lines</c>, reads the
/// server's <c>REGISTER</c>/<c>VERIFY</c>/<c>FAIL</c> answers from its event stream, and a new connection logs in with SASL.
/// </summary>
[Collection("Ergo")]
public sealed class ErgoAccountRegistrationTests(ErgoFixture ergo)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterThroughLinesCreatesAnAccountASecondRegisterFailsAndANewConnectionLogsInWithSasl()
    {
        var server = ergo.Server;
        await using var host = GatewayHost.Start(realEngine: true);
        var account = RawIrcClient.UniqueNick("acct");
        var password = $"s3cret-{account}";
        var (browser, id, stream) = await RegisteredAsync(host, server, account);
        await using var _ = stream;

        await PostAsync(browser, id, $"REGISTER * * {password}");
        var registered = await WaitForAsync(stream, "the answer to REGISTER", IsReplyTo("REGISTER"));
        Params(registered).Should().StartWith(["SUCCESS", account], registered.GetRawText());

        await PostAsync(browser, id, $"REGISTER * * other-{password}");
        var refused = await WaitForAsync(stream, "the answer to a second REGISTER", IsReplyTo("REGISTER"));
        refused.GetProperty("command").GetString().Should().Be("FAIL", refused.GetRawText());
        StandardReply(refused, "REGISTER");

        await LogsInWithSaslAsync(browser, server, account, password);
    }

    [Fact]
    public async Task WithEmailVerificationVerifyThroughLinesTakesTheMailedCodeAfterAWrongOneFails()
    {
        await using var smtp = new SmtpSink();
        await using var server = await ErgoServer.StartAsync(new ErgoServerOptions { SmtpPort = smtp.Port }, Token);
        await using var host = GatewayHost.Start(realEngine: true);
        var account = RawIrcClient.UniqueNick("mail");
        var password = $"s3cret-{account}";
        var (browser, id, stream) = await RegisteredAsync(host, server, account);
        await using var _ = stream;

        await PostAsync(browser, id, $"REGISTER * {account}@example.test {password}");
        var pending = await WaitForAsync(stream, "the answer to REGISTER", IsReplyTo("REGISTER"));
        Params(pending).Should().StartWith(["VERIFICATION_REQUIRED", account], pending.GetRawText());
        var mail = await smtp.NextAsync(Patience, Token);
        var code = Regex.Match(mail.Text, $@"VERIFY {account} (\S+)").Groups[1].Value;
        code.Should().NotBeEmpty(mail.Text);

        await PostAsync(browser, id, $"VERIFY {account} wrong{code}");
        var wrong = await WaitForAsync(stream, "the answer to a wrong VERIFY", IsReplyTo("VERIFY"));
        wrong.GetProperty("command").GetString().Should().Be("FAIL", wrong.GetRawText());
        StandardReply(wrong, "VERIFY");

        await PostAsync(browser, id, $"VERIFY {account} {code}");
        var verified = await WaitForAsync(stream, "the answer to VERIFY", IsReplyTo("VERIFY"));
        Params(verified).Should().StartWith(["SUCCESS", account], verified.GetRawText());

        await LogsInWithSaslAsync(browser, server, account, password);
    }

    /// <summary>A standard reply as the event stream carries it: <c>FAIL &lt;command&gt; &lt;code&gt; [context...] :description</c>, from the server.</summary>
    private static void StandardReply(JsonElement reply, string command)
    {
        var p = Params(reply);
        p.Length.Should().BeGreaterThanOrEqualTo(3, reply.GetRawText());
        p[0].Should().Be(command);
        p[1].Should().MatchRegex("^[A-Z_]+$", "the second parameter is the machine-readable code");
        p[^1].Should().NotBeNullOrWhiteSpace("the last parameter is the description for a person");
        reply.GetProperty("source").GetString().Should().Be(ErgoServer.ServerName);
    }

    /// <summary>A new browser's connection with <paramref name="nick"/>, registered, and its event stream.</summary>
    private static async Task<(Browser Browser, string Id, EventStreamReader Stream)> RegisteredAsync(GatewayHost host, ErgoServer server, string nick)
    {
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", nick);
        var stream = await browser.OpenEventsAsync(id);
        await WaitForAsync(stream, "REGISTERED", IsStatus(IrcStatus.Registered));
        return (browser, id, stream);
    }

    /// <summary>A new connection of the same browser, with another nick, logging in to <paramref name="account"/> with SASL PLAIN: the server says 900 and it registers.</summary>
    private static async Task LogsInWithSaslAsync(Browser browser, ErgoServer server, string account, string password)
    {
        using var response = await browser.Http.PostAsJsonAsync("/api/connections", new
        {
            server = $"127.0.0.1:{server.Port}",
            nick = RawIrcClient.UniqueNick("sasl"),
            sasl = new { account, password },
        }, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        await using var stream = await browser.OpenEventsAsync(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
        var loggedIn = await WaitForAsync(stream, "the SASL answer", e => IsMessage(e, "900", "904"));
        loggedIn.GetProperty("command").GetString().Should().Be("900", loggedIn.GetRawText());
        Params(loggedIn)[2].Should().Be(account);
        await WaitForAsync(stream, "REGISTERED after SASL", IsStatus(IrcStatus.Registered));
    }

    private static async Task PostAsync(Browser browser, string id, string line)
    {
        using var sent = await browser.PostLinesAsync(id, line);
        sent.StatusCode.Should().Be(HttpStatusCode.Accepted, $"{line.Split(' ')[0]} passes the gateway's line rules: {await sent.Content.ReadAsStringAsync(Token)}");
    }

    private static string[] Params(JsonElement e) => [.. e.GetProperty("params").EnumerateArray().Select(p => p.GetString()!)];

    private static Func<JsonElement, bool> IsStatus(string status) =>
        e => e.GetProperty("type").GetString() == "status" && e.GetProperty("status").GetString() == status;

    private static bool IsMessage(JsonElement e, params string[] commands) =>
        e.GetProperty("type").GetString() == "message" && commands.Contains(e.GetProperty("command").GetString());

    /// <summary>The server's answer to <paramref name="command"/>: the command itself (SUCCESS, VERIFICATION_REQUIRED) or a standard reply naming it.</summary>
    private static Func<JsonElement, bool> IsReplyTo(string command) =>
        e => IsMessage(e, command, "FAIL", "WARN", "NOTE") && (e.GetProperty("command").GetString() == command || Params(e) is [var first, ..] && first == command);

    private static Task<JsonElement> WaitForAsync(EventStreamReader stream, string what, Func<JsonElement, bool> predicate) =>
        stream.WaitForAsync(what, predicate, Patience);
}

using System.Text.RegularExpressions;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// "Register this nick" (issue 19, item 4) against a real Ergo that mails its verification codes to an
/// <see cref="SmtpSink"/>: a newcomer refused by a registered-only channel registers the nick from the client, enters
/// the mailed code, is joined to the channel, and the connection logs in with SASL when it registers again.
/// </summary>
[Collection("Web")]
public sealed class WebClientRegistrationTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan IrcTimeout = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _disposables = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
    }

    [Fact]
    public async Task ANewcomerRegistersTheNickVerifiesTheMailedCodeJoinsTheRefusedChannelAndLogsInWithSaslWhenReconnected()
    {
        var smtp = new SmtpSink();
        _disposables.Add(smtp);
        var ergo = await ErgoServer.StartAsync(new ErgoServerOptions { SmtpPort = smtp.Port }, Token);
        _disposables.Add(ergo);
        var server = $"{ergo.Host}:{ergo.Port}";
        var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = server,
            ["IrcStream:ReconnectDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true, asShipped: true);
        _disposables.Add(gateway);

        // A channel that admits only people logged in to an account.
        var channel = "#" + RawIrcClient.UniqueNick("reg");
        var op = await RawIrcClient.ConnectAsync(ergo.Host, ergo.Port, RawIrcClient.UniqueNick("op"), Token);
        _disposables.Add(op);
        await op.SendAsync($"JOIN {channel}", Token);
        await op.WaitForAsync(m => m.Command == "366", IrcTimeout, Token);
        await op.SendAsync($"MODE {channel} +R", Token);
        await op.WaitForAsync(m => m.Command == "MODE" && m.Params.Count > 1 && m.Params[1].Contains('R'), IrcTimeout, Token);

        var client = await ClientPage.OpenAsync(browser.Browser, gateway.BaseAddress);
        _disposables.Add(client);
        var page = client.Page;
        var nick = RawIrcClient.UniqueNick("new");
        await page.Locator("#connect-nick").FillAsync(nick);
        await page.Locator("#connect-channels").FillAsync(channel);
        await page.Locator("#connect-submit").ClickAsync();
        await Expect(page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(page.Locator("#messages .line.kind-error")).ToContainTextAsync("only people logged in to a registered account");

        var register = page.Locator("#register-nick");
        await Expect(register).ToBeVisibleAsync();
        await register.ClickAsync();
        var dialog = page.Locator("#register-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Locator("#register-account")).ToHaveValueAsync(nick);
        await Expect(page.Locator("#register-email")).ToBeVisibleAsync();
        await AxeChecks.ExpectNoSeriousViolationsAsync(page, "the registration form");
        await client.ScreenshotAsync("register-form");

        // Without an address the form says what is missing, and nothing is sent.
        await page.Locator("#register-password").FillAsync("correct-horse-battery");
        await page.Locator("#register-submit").ClickAsync();
        await Expect(page.Locator("#register-error")).ToContainTextAsync("e-mail");

        await page.Locator("#register-email").FillAsync($"{nick}@example.test");
        await page.Locator("#register-submit").ClickAsync();
        await Expect(page.Locator("#register-code")).ToBeVisibleAsync();
        await Expect(page.Locator("#register-code-hint")).ToContainTextAsync($"{nick}@example.test");
        var mail = await smtp.NextAsync(IrcTimeout, Token);
        var code = Regex.Match(mail.Text, $@"VERIFY {nick} (\S+)", RegexOptions.IgnoreCase).Groups[1].Value;
        code.Should().NotBeEmpty(mail.Text);

        // A wrong code is refused in words, and the form stays for the right one.
        await page.Locator("#register-code").FillAsync("000000wrong");
        await page.Locator("#register-submit").ClickAsync();
        await Expect(page.Locator("#register-error")).ToContainTextAsync("code is not right");
        await AxeChecks.ExpectNoSeriousViolationsAsync(page, "the registration form asking for the code");
        await page.Locator("#register-code").FillAsync(code);
        await page.Locator("#register-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // Registered and logged in: the refused channel is joined now, and the button is gone.
        await Expect(client.Buffer(channel)).ToBeVisibleAsync();
        await Expect(page.Locator("#leave-channel")).ToBeVisibleAsync();
        await Expect(register).ToBeHiddenAsync();
        await op.WaitForAsync(m => m.Command == "JOIN" && m.Source?.StartsWith(nick + "!", StringComparison.Ordinal) == true, IrcTimeout, Token);

        // The server drops the connection; the gateway registers again, logging in with SASL, and is let back in.
        await op.SendAsync($"OPER {ErgoServer.OperName} {ergo.OperPassword}", Token);
        await op.WaitForAsync(m => m.Command == "381", IrcTimeout, Token);
        await op.SendAsync($"KILL {nick} :testing the next registration", Token);
        await op.WaitForAsync(m => m.Command == "QUIT" && m.Source?.StartsWith(nick + "!", StringComparison.Ordinal) == true, IrcTimeout, Token);
        var rejoined = await op.WaitForAsync(m => m.Command == "JOIN" && m.Source?.StartsWith(nick + "!", StringComparison.Ordinal) == true, IrcTimeout, Token);
        rejoined.Params[0].Should().Be(channel, "only a connection logged in to the account is let into the +R channel");
        await op.SendAsync($"WHOIS {nick}", Token);
        var account = await op.WaitForAsync(m => m.Command is "330" or "318", IrcTimeout, Token);
        account.Command.Should().Be("330", "the new connection is logged in to the account");
        account.Params[2].Should().Be(nick);

        await client.OpenBufferAsync(channel);
        await Expect(page.Locator("#leave-channel")).ToBeVisibleAsync();
        await client.ScreenshotAsync("register-rejoined");
        client.PageErrors.Should().BeEmpty();
    }

    /// <summary>The aim "≤ 1.5 s from the click to the JOIN on screen against Ergo": measured and written out, never asserted.</summary>
    [Fact]
    public async Task ALinkJoinsAChannelOnErgoWithOneClickMeasuredFromTheClickToTheJoinOnScreen()
    {
        var ergo = await ErgoServer.StartAsync(cancellationToken: Token);
        _disposables.Add(ergo);
        var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = $"{ergo.Host}:{ergo.Port}",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true, asShipped: true);
        _disposables.Add(gateway);

        var times = new List<long>();
        for (var run = 0; run < 5; run++)
        {
            var channel = "#" + RawIrcClient.UniqueNick("click");
            await using var client = await ClientPage.OpenAsync(browser.Browser, gateway.BaseAddress, $"?nick=Guest????{channel}");
            var nick = client.Page.Locator("#connect-nick");
            await Expect(nick).ToBeFocusedAsync();
            var me = await nick.InputValueAsync();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            await client.Page.Locator("#connect-submit").ClickAsync();
            await Expect(client.Page.Locator("#messages .line.kind-join").Filter(new() { HasText = $"{me} joined {channel}" })).ToHaveCountAsync(1);
            times.Add(clock.ElapsedMilliseconds);
            client.PageErrors.Should().BeEmpty();
        }
        times.Sort();
        Measurements.Record("click to JOIN on screen, Ergo", $"median {times[times.Count / 2]} ms of {times.Count} runs ({string.Join(", ", times)} ms, sorted)");
    }
}

using System.Net;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// The client embedded in another site's page (issue 19, item 2): a page served from http://localhost:P frames the
/// gateway at http://127.0.0.1:Q, in a Chromium that blocks third-party cookies. The partitioned session cookie
/// keeps the frame's session, and a reload of the embedding page resumes it with every event once.
/// </summary>
[Collection("Web")]
public sealed class WebClientEmbedTests(InspircdFixture irc) : IAsyncLifetime
{
    private static readonly TimeSpan IrcTimeout = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _disposables = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            // Third-party cookies blocked, as browsers are moving to: only a partitioned (CHIPS) cookie survives in a frame.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--test-third-party-cookie-phaseout"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>Another site: a page at http://localhost:P whose only content is the embed snippet of docs/WEB-CLIENT.md.</summary>
    private async Task<(Uri Site, Func<string, Task> SetFrame)> StartEmbeddingSiteAsync()
    {
        var frameSource = "";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var site = builder.Build();
        site.MapGet("/", () => Results.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>A project's page</title></head>
            <body>
              <h1>Chat with us</h1>
              <iframe src="{WebUtility.HtmlEncode(frameSource)}" title="Chat" style="width: 100%; height: 600px; border: 0"></iframe>
            </body></html>
            """, "text/html"));
        await site.StartAsync(Token);
        _disposables.Add(site);
        var port = new Uri(site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return (new Uri($"http://localhost:{port}/"), source =>
        {
            frameSource = source;
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task AnEmbeddedClientKeepsItsSessionWithThirdPartyCookiesBlockedAndAReloadShowsEveryEventOnce()
    {
        var (site, setFrame) = await StartEmbeddingSiteAsync();
        var server = $"{irc.Server.Host}:{irc.Server.Port}";
        var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = server,
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000",
            ["IrcStream:WebClient:FrameAncestors:0"] = site.GetLeftPart(UriPartial.Authority),
            ["IrcStream:WebClient:NetworkName"] = "Test Network",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true, asShipped: true);
        _disposables.Add(gateway);
        var channel = "#" + RawIrcClient.UniqueNick("embed");
        var other = await RawIrcClient.ConnectAsync(irc.Server.Host, irc.Server.Port, RawIrcClient.UniqueNick("host"), Token);
        _disposables.Add(other);
        await other.SendAsync($"JOIN {channel}", Token);
        await other.WaitForAsync(m => m.Command == "366" && m.Params[1] == channel, IrcTimeout, Token);
        await setFrame(new Uri(gateway.BaseAddress, $"/?nick=Embedded???{channel}").ToString());

        SetDefaultExpectTimeout(ClientPage.Timeout);
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 750 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ClientPage.Timeout);
        var errors = new List<string>();
        page.PageError += (_, error) =>
        {
            errors.Add(error);
            TestContext.Current.TestOutputHelper?.WriteLine($"page error: {error}");
        };
        page.Console += (_, message) => TestContext.Current.TestOutputHelper?.WriteLine($"console {message.Type}: {message.Text}");
        page.RequestFailed += (_, request) => TestContext.Current.TestOutputHelper?.WriteLine($"failed request {request.Url}: {request.Failure}");
        await page.GotoAsync(site.ToString());
        var frame = page.FrameLocator("iframe");

        await Expect(frame.Locator("#connect-heading")).ToHaveTextAsync("Chat on Test Network");
        // The browser really blocks third-party cookies: one without Partitioned set from the frame is dropped.
        var chat = page.Frames.Single(f => f.Url.StartsWith(gateway.BaseAddress.ToString(), StringComparison.Ordinal));
        var probe = await chat.EvaluateAsync<string>("() => { document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; return document.cookie; }");
        probe.Should().NotContain("probe", "this Chromium blocks third-party cookies");
        await Expect(frame.Locator("#connect-channels")).ToHaveValueAsync(channel);
        var me = await frame.Locator("#connect-nick").InputValueAsync();
        await frame.Locator("#connect-submit").ClickAsync();
        await Expect(frame.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(frame.Locator("#nicks .nick-item[data-nick=\"" + other.Nick + "\"]")).ToBeVisibleAsync();
        await other.SendAsync($"PRIVMSG {channel} :before the reload", Token);
        var before = frame.Locator("#messages .line .text", new() { HasTextString = "before the reload" });
        await Expect(before).ToHaveCountAsync(1);
        await AxeChecks.ExpectNoSeriousViolationsAsync(page, "the embedded client");
        await Screenshots.SaveAsync(page, "embedded-client");

        await page.ReloadAsync();
        frame = page.FrameLocator("iframe");
        await Expect(frame.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(frame.Locator("#connect-dialog")).ToBeHiddenAsync();
        await Expect(frame.Locator("#connections .conn")).ToHaveCountAsync(1);
        await Expect(frame.Locator("#input-nick")).ToHaveTextAsync(me);
        await Expect(frame.Locator("#messages .line .text", new() { HasTextString = "before the reload" })).ToHaveCountAsync(1);
        await Expect(frame.Locator("#messages .line.kind-join").Filter(new() { HasTextString = $"{me} joined" })).ToHaveCountAsync(1);

        await other.SendAsync($"PRIVMSG {channel} :after the reload", Token);
        await Expect(frame.Locator("#messages .line .text", new() { HasTextString = "after the reload" })).ToHaveCountAsync(1);
        var input = frame.Locator("#input");
        await input.FillAsync("hello from the embedded client");
        await input.PressAsync("Enter");
        await other.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "hello from the embedded client", IrcTimeout, Token);
        await Expect(frame.Locator("#messages .line .text", new() { HasTextString = "hello from the embedded client" })).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "embedded-client-after-reload");
        errors.Should().BeEmpty();
        await context.CloseAsync();
    }
}

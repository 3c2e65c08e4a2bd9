using System.Diagnostics;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// A network's webchat (issue 19): links that fill the form, the operator's branding, a gateway locked to one
/// server, and the client embedded in another site's page. Chromium, the gateway with the real engine, InspIRCd.
/// </summary>
[Collection("Web")]
public sealed class WebClientLinkTests(BrowserFixture browser, InspircdFixture irc) : IAsyncLifetime
{
    private static readonly TimeSpan IrcTimeout = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _disposables = [];

    private string Server => $"{irc.Server.Host}:{irc.Server.Port}";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
    }

    /// <summary>A gateway locked to the test's InspIRCd, as a network runs it: that one server and nothing else.</summary>
    private GatewayHost StartGateway(Dictionary<string, string?>? webClient = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in webClient ?? []) settings["IrcStream:WebClient:" + key] = value;
        var gateway = GatewayHost.Start(settings, realEngine: true, asShipped: true);
        _disposables.Add(gateway);
        return gateway;
    }

    private async Task<ClientPage> OpenAsync(GatewayHost gateway, string query, BrowserNewContextOptions? options = null)
    {
        var client = await ClientPage.OpenAsync(browser.Browser, gateway.BaseAddress, query, options: options);
        _disposables.Add(client);
        return client;
    }

    private async Task<RawIrcClient> SomeoneInAsync(string channel)
    {
        var other = await RawIrcClient.ConnectAsync(irc.Server.Host, irc.Server.Port, RawIrcClient.UniqueNick("host"), Token);
        _disposables.Add(other);
        await other.SendAsync($"JOIN {channel}", Token);
        await other.WaitForAsync(m => m.Command == "366" && m.Params[1] == channel, IrcTimeout, Token);
        return other;
    }

    private static string UniqueChannel() => "#" + RawIrcClient.UniqueNick("link");

    [Fact]
    public async Task ALinkFillsTheFormAndOneClickJoinsTheChannel()
    {
        var gateway = StartGateway();
        var channel = UniqueChannel();
        var other = await SomeoneInAsync(channel);
        var client = await OpenAsync(gateway, $"?nick=Guest????{channel}");

        await Expect(client.Page.Locator("#connect-dialog")).ToBeVisibleAsync();
        var nick = client.Page.Locator("#connect-nick");
        await Expect(nick).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^Guest\d{4}$"));
        await Expect(client.Page.Locator("#connect-channels")).ToHaveValueAsync(channel);
        await Expect(client.Page.Locator("#connect-server")).ToBeHiddenAsync();
        await Expect(nick).ToBeFocusedAsync();
        client.Requests.Should().NotContain(r => r.Contains("/api/connections/", StringComparison.Ordinal), "a link alone connects nothing while AutoConnect is off");
        var me = await nick.InputValueAsync();

        var clock = Stopwatch.StartNew();
        await client.Page.Locator("#connect-submit").ClickAsync();
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(client.Page.Locator("#messages .line.kind-join").Filter(new() { HasText = $"{me} joined {channel}" })).ToHaveCountAsync(1);
        Measurements.Record("click to JOIN on screen, InspIRCd", $"{clock.ElapsedMilliseconds} ms");
        await Expect(client.Nick(other.Nick)).ToBeVisibleAsync();
        await Expect(client.StateBadge).ToHaveTextAsync("connected");
        new Uri(client.Page.Url).Query.Should().BeEmpty("a link is followed once; a reload must not join again");

        await client.Page.ReloadAsync();
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel, new() { Timeout = ClientPage.Timeout });
        await Expect(client.Page.Locator("#connect-dialog")).ToBeHiddenAsync();
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task TheFirstLoadGoesOverTheWireCompressed()
    {
        var gateway = StartGateway();
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var responses = new List<IResponse>();
        page.Response += (_, response) => responses.Add(response);
        // Chromium's own count of what came over the wire for each request: headers and (compressed) body.
        var cdp = await context.NewCDPSessionAsync(page);
        var urls = new Dictionary<string, string>();
        var wireBytes = new Dictionary<string, long>();
        cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            if (e is { } json) lock (urls) urls[json.GetProperty("requestId").GetString()!] = json.GetProperty("response").GetProperty("url").GetString()!;
        };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            if (e is not { } json) return;
            lock (urls)
            {
                if (urls.TryGetValue(json.GetProperty("requestId").GetString()!, out var url)) wireBytes[url] = (long)json.GetProperty("encodedDataLength").GetDouble();
            }
        };
        await cdp.SendAsync("Network.enable");
        await page.GotoAsync(gateway.BaseAddress.ToString());
        await Expect(page.Locator("#connect-nick")).ToBeFocusedAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        lock (urls) wireBytes.Keys.Should().Contain(responses.Select(r => r.Url), "Chromium reported each response it received");

        long total = 0;
        var files = new List<string>();
        foreach (var response in responses.ToArray())
        {
            var path = new Uri(response.Url).AbsolutePath;
            var encoding = (await response.AllHeadersAsync()).GetValueOrDefault("content-encoding", "identity");
            var wire = wireBytes.GetValueOrDefault(response.Url);
            total += wire;
            files.Add($"{path} {wire} B ({encoding})");
            if (path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal) || path == "/")
                encoding.Should().BeOneOf(["gzip", "br"], path);
        }
        responses.Select(r => new Uri(r.Url).AbsolutePath).Where(p => p.EndsWith(".js", StringComparison.Ordinal)).Should()
            .Equal(["/js/bundle.js"], "the whole client comes in one request (the English table inside it); the rest waits until it is used");
        Measurements.Record("first load over the wire (headers + bodies)", $"{total} bytes in {responses.Count} responses: {string.Join("; ", files)}");
        await context.CloseAsync();
    }

    [Fact]
    public async Task EnterConnectsAndTypingAtOnceGoesToTheNickField()
    {
        var gateway = StartGateway();
        var channel = UniqueChannel();
        var client = await OpenAsync(gateway, $"?channels={Uri.EscapeDataString(channel)}");
        await Expect(client.Page.Locator("#connect-nick")).ToBeFocusedAsync();
        var me = RawIrcClient.UniqueNick("typed");
        await client.Page.Keyboard.TypeAsync(me);
        await client.Page.Keyboard.PressAsync("Enter");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(client.Page.Locator("#input-nick")).ToHaveTextAsync(me);
    }

    [Fact]
    public async Task ALinkToAChannelOnAServerTheBrowserIsAlreadyOnJoinsItThereInsteadOfASecondConnection()
    {
        var gateway = StartGateway();
        var first = UniqueChannel();
        var second = UniqueChannel();
        var client = await OpenAsync(gateway, "");
        await client.ConnectAsync(Server, RawIrcClient.UniqueNick("me"), first);

        // The link opened in a new tab of the same browser, as from another site's page.
        var tab = await client.Context.NewPageAsync();
        await tab.GotoAsync(new Uri(gateway.BaseAddress, "/" + second).ToString());
        await Expect(tab.Locator("#buffer-title")).ToHaveTextAsync(second);
        await Expect(tab.Locator("#connect-dialog")).ToBeHiddenAsync();
        await Expect(tab.Locator("#connections .conn")).ToHaveCountAsync(1);
        await Expect(tab.Locator($"#connections .buffer[data-buffer=\"{first}\"]")).ToBeVisibleAsync();

        // And a link followed inside the open page (the fragment changes) does the same.
        var third = UniqueChannel();
        await client.Page.EvaluateAsync("channel => { location.hash = channel; }", third);
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(third);
        await Expect(client.Page.Locator("#connections .conn")).ToHaveCountAsync(1);
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task WithAutoConnectALinkConnectsAtOnce()
    {
        var gateway = StartGateway(new() { ["AutoConnect"] = "true" });
        var channel = UniqueChannel();
        var client = await OpenAsync(gateway, $"?nick={RawIrcClient.UniqueNick("auto")}{channel}");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(client.Page.Locator("#connect-dialog")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TheConnectFormShowsTheNetworksBrandingAsPlainTextOnAPhoneAndADesktop()
    {
        var gateway = StartGateway(new()
        {
            ["NetworkName"] = "Example IRC",
            ["AccentColor"] = "#8a2be2",
            ["Greeting"] = "Welcome to Example IRC! New here? Read https://www.example.net/start first.",
            ["Rules"] = "1. Be kind.\n2. No <b>spam</b>: <script>alert(1)</script>\n3. Questions: https://www.example.net/help",
            ["DefaultChannels:0"] = "#help",
            ["NickFormat"] = "Guest???",
        });
        var client = await OpenAsync(gateway, "", new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        await Expect(client.Page.Locator("#connect-heading")).ToHaveTextAsync("Chat on Example IRC");
        await Expect(client.Page).ToHaveTitleAsync("Example IRC");
        await Expect(client.Page.Locator("#brand-name")).ToHaveTextAsync("Example IRC");
        await Expect(client.Page.Locator("#connect-channels")).ToHaveValueAsync("#help");
        await Expect(client.Page.Locator("#connect-nick")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^Guest\d{3}$"));
        var rules = client.Page.Locator("#connect-rules");
        await Expect(rules).ToContainTextAsync("2. No <b>spam</b>: <script>alert(1)</script>");
        (await rules.Locator("b, script").CountAsync()).Should().Be(0, "the operator's text is text, never HTML");
        await Expect(rules.Locator("a[href=\"https://www.example.net/help\"]")).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#connect-greeting a[href=\"https://www.example.net/start\"]")).ToHaveAttributeAsync("rel", "noopener noreferrer");
        var accent = await client.Page.Locator("#connect-submit").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
        accent.Should().Be("rgb(138, 43, 226)");
        await client.ScreenshotAsync("branded-connect-phone");
        foreach (var control in new[] { "#connect-submit", "#connect-tls" })
        {
            if (!await client.Page.Locator(control).IsVisibleAsync()) continue;
            var box = await client.Page.Locator(control).BoundingBoxAsync();
            box!.Height.Should().BeGreaterThanOrEqualTo(24, control);
        }
        // The TLS box keeps the usual look (24 px, the row around it 44 px), and "More options" has its arrow.
        (await client.Page.Locator("#connect-tls").EvaluateAsync<string>("b => getComputedStyle(b).width")).Should().Be("24px");
        var more = client.Page.Locator("details.more summary");
        (await more.EvaluateAsync<string>("s => getComputedStyle(s, '::before').content")).Should().Be("\"\u25B8\"");
        await more.ClickAsync();
        (await more.EvaluateAsync<string>("s => getComputedStyle(s, '::before').transform")).Should().NotBe("none", "the arrow turns when open");
        await more.ClickAsync();
        await AxeChecks.ExpectNoSeriousViolationsAsync(client.Page, "the branded connect form on a phone");

        // Connected, every control of the phone layout is big enough for a finger.
        await client.Page.Locator("#connect-submit").ClickAsync();
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync("#help");
        await Expect(client.Page.Locator("#toggle-nicks")).ToBeVisibleAsync();
        await client.Page.Locator("#toggle-nicks").ClickAsync();
        await Expect(client.Page.Locator("#nicklist")).ToBeVisibleAsync();
        await client.ScreenshotAsync("branded-channel-phone-nicklist");
        foreach (var control in new[] { "#toggle-sidebar", "#leave-channel", "#copy-link", "#close-nicks", "#nicks .nick-item" })
        {
            var box = await client.Page.Locator(control).First.BoundingBoxAsync();
            box.Should().NotBeNull(control);
            box!.Height.Should().BeGreaterThanOrEqualTo(44, control);
            box.Width.Should().BeGreaterThanOrEqualTo(44, control);
        }
        await client.Page.Locator("#close-nicks").ClickAsync();
        await Expect(client.Page.Locator("#nicklist")).ToBeHiddenAsync();
        var title = await client.Page.Locator("#buffer-title").BoundingBoxAsync();
        title!.Width.Should().BeGreaterThanOrEqualTo(90, "the header keeps the channel name readable");
        await client.ScreenshotAsync("branded-channel-phone");

        await client.Page.SetViewportSizeAsync(1280, 800);
        await client.ScreenshotAsync("branded-connect-desktop");
        await AxeChecks.ExpectNoSeriousViolationsAsync(client.Page, "the branded connect form on a desktop");
        client.PageErrors.Should().BeEmpty();
    }
}

using IrcStream.Domain.Protocol;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// The web client end to end: headless Chromium, the gateway on Kestrel with the real engine, a real InspIRCd,
/// and a <see cref="RawIrcClient"/> as the other person in the conversation.
/// </summary>
[Collection("Web")]
public sealed partial class WebClientEndToEndTests(BrowserFixture browser, InspircdFixture irc) : IAsyncLifetime
{
    private static readonly TimeSpan IrcTimeout = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly EventStreamCutter _cutter = new();
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not started.");

    private string Server => $"{irc.Server.Host}:{irc.Server.Port}";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["IrcStream:AllowedServers:1"] = "127.0.0.1:6667",
            ["IrcStream:ConnectionRateLimit:PermitLimit"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true, services: _cutter.AddTo);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }

    private async Task<ClientPage> OpenClientAsync()
    {
        var client = await ClientPage.OpenAsync(browser.Browser, Gateway.BaseAddress);
        _disposables.Add(client);
        return client;
    }

    private async Task<RawIrcClient> OtherPersonAsync(string prefix, string? channel = null)
    {
        var other = await RawIrcClient.ConnectAsync(irc.Server.Host, irc.Server.Port, RawIrcClient.UniqueNick(prefix), Token);
        _disposables.Add(other);
        if (channel is not null)
        {
            await other.SendAsync($"JOIN {channel}", Token);
            await other.WaitForAsync(m => m.Command == "366" && m.Params[1] == channel, IrcTimeout, Token);
        }
        return other;
    }

    /// <summary>Someone waits in a new channel; the browser opens the client, connects, and joins them there.</summary>
    private async Task<(ClientPage Client, RawIrcClient Other, string Channel, string Me)> JoinSomeoneAsync(
        string otherPrefix, string query = "", string? beforeLoad = null, GatewayHost? gateway = null, BrowserNewContextOptions? options = null)
    {
        var channel = UniqueChannel();
        var other = await OtherPersonAsync(otherPrefix, channel);
        var me = RawIrcClient.UniqueNick("me");
        var client = await ClientPage.OpenAsync(browser.Browser, (gateway ?? Gateway).BaseAddress, query, beforeLoad, options);
        _disposables.Add(client);
        await client.ConnectAsync(Server, me, channel);
        return (client, other, channel, me);
    }

    private static string UniqueChannel() => "#" + RawIrcClient.UniqueNick("web");

    private static Task<IrcMessage> ReceivedAsync(RawIrcClient client, string command, string text) =>
        client.WaitForAsync(m => m.Command == command && m.Params.Count > 1 && m.Params[^1] == text, IrcTimeout, Token);

    [Fact]
    public async Task ConnectJoinReceiveAndSend()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("bob");
        await Expect(client.Nick(other.Nick)).ToBeVisibleAsync();
        await Expect(client.StateBadge).ToHaveTextAsync("connected");

        await other.SendAsync($"PRIVMSG {channel} :hello from the other side", Token);
        await Expect(client.Line("hello from the other side")).ToHaveCountAsync(1);

        await client.TypeAsync("hello from the browser");
        await ReceivedAsync(other, "PRIVMSG", "hello from the browser");
        var own = client.Line("hello from the browser");
        await Expect(own).ToHaveCountAsync(1);
        await Expect(own).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bself\b"));

        await client.TypeAsync($"/msg {other.Nick} a private word");
        await ReceivedAsync(other, "PRIVMSG", "a private word");
        await other.SendAsync($"PRIVMSG {me} :a private answer", Token);
        await Expect(client.Buffer(other.Nick).Locator(".badge")).ToHaveTextAsync("1");
        await client.OpenBufferAsync(other.Nick);
        await Expect(client.Line("a private word")).ToHaveCountAsync(1);
        await Expect(client.Line("a private answer")).ToHaveCountAsync(1);

        var input = client.Page.Locator("#input");
        await input.PressAsync("ArrowUp");
        await Expect(input).ToHaveValueAsync($"/msg {other.Nick} a private word");
        await input.PressAsync("ArrowUp");
        await Expect(input).ToHaveValueAsync("hello from the browser");
        await input.PressAsync("ArrowDown");
        await input.PressAsync("ArrowDown");
        await Expect(input).ToHaveValueAsync("");
        await input.PressAsync("Alt+ArrowUp");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await client.ScreenshotAsync("conversation");

        // The server buffer holds the welcome and the rest of the registration burst.
        await client.Page.Locator(".buffer-server").ClickAsync();
        await Expect(client.Messages).ToContainTextAsync($"Welcome to the IrcStreamTest IRC Network {me}");
        await client.ScreenshotAsync("server-buffer");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task NickListFollowsJoinModeNickChangeAndPart()
    {
        var channel = UniqueChannel();
        var me = RawIrcClient.UniqueNick("me");
        var client = await OpenClientAsync();
        await client.ConnectAsync(Server, me, channel);
        // The first in a channel is its operator.
        await Expect(client.Nick(me).Locator(".prefix")).ToHaveTextAsync("@");

        var other = await OtherPersonAsync("carol", channel);
        await Expect(client.Nick(other.Nick)).ToBeVisibleAsync();
        await Expect(client.Page.Locator("#nicks .nick-item")).ToHaveCountAsync(2);
        await client.Page.Locator("#input").FillAsync("caro");
        await client.Page.Locator("#input").PressAsync("Tab");
        await Expect(client.Page.Locator("#input")).ToHaveValueAsync($"{other.Nick}: ");
        await client.Page.Locator("#input").FillAsync("");

        await client.TypeAsync($"/raw MODE {channel} +v {other.Nick}");
        await Expect(client.Nick(other.Nick).Locator(".prefix")).ToHaveTextAsync("+");

        var oldNick = other.Nick;
        var renamed = RawIrcClient.UniqueNick("dave");
        await other.SendAsync($"NICK {renamed}", Token);
        await Expect(client.Nick(renamed).Locator(".prefix")).ToHaveTextAsync("+");
        await Expect(client.Nick(oldNick)).ToHaveCountAsync(0);
        await Expect(client.Line($"{oldNick} is now known as {renamed}")).ToHaveCountAsync(1);

        await other.SendAsync($"PART {channel} :bye now", Token);
        await Expect(client.Nick(renamed)).ToHaveCountAsync(0);
        await Expect(client.Page.Locator("#nicks .nick-item")).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#nick-count")).ToHaveTextAsync("1 person");

        await client.TypeAsync("/nick " + me + "x");
        await Expect(client.Nick(me + "x").Locator(".prefix")).ToHaveTextAsync("@");
        await Expect(client.Page.Locator("#input-nick")).ToHaveTextAsync(me + "x");
        await client.ScreenshotAsync("nick-list");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task ActionsAndFormattingAreRendered()
    {
        var (client, other, channel, _) = await JoinSomeoneAsync("erin");

        await other.SendAsync($"PRIVMSG {channel} :\u0001ACTION dances\u0001", Token);
        await other.SendAsync($"PRIVMSG {channel} :plain \u0002bold\u0002 \u001ditalic\u001d \u001funder\u001f \u000304,01red on black\u0003 \u0011mono\u0011", Token);
        var action = client.Page.Locator("#messages .line.kind-action");
        await Expect(action).ToHaveCountAsync(1);
        await Expect(action.Locator(".text")).ToHaveTextAsync("dances");
        await Expect(action.Locator(".who")).ToHaveTextAsync($"* {other.Nick}");

        var formatted = client.Line("plain bold italic under red on black mono");
        await Expect(formatted).ToHaveCountAsync(1);
        await Expect(formatted.Locator(".f-bold")).ToHaveTextAsync("bold");
        await Expect(formatted.Locator(".f-italic")).ToHaveTextAsync("italic");
        await Expect(formatted.Locator(".f-underline")).ToHaveTextAsync("under");
        await Expect(formatted.Locator(".f-mono")).ToHaveTextAsync("mono");
        var red = formatted.Locator(".text span", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^red on black$") });
        await Expect(red).ToHaveCSSAsync("color", "rgb(255, 0, 0)");
        await Expect(red).ToHaveCSSAsync("background-color", "rgb(0, 0, 0)");

        await client.TypeAsync("/me waves back");
        await ReceivedAsync(other, "PRIVMSG", "\u0001ACTION waves back\u0001");
        await Expect(client.Page.Locator("#messages .line.kind-action.self .text")).ToHaveTextAsync("waves back");
        await client.ScreenshotAsync("formatting");
    }

    [Fact]
    public async Task HostilePayloadsAreShownAsTextAndRunNothing()
    {
        var (client, other, channel, _) = await JoinSomeoneAsync("mallory");

        string[] payloads =
        [
            "<script>window.__pwned = 'script'</script>",
            "<img src=x onerror=\"window.__pwned = 'img'\">",
            "<a href=\"javascript:window.__pwned='link'\">click</a> <svg onload=\"window.__pwned='svg'\">",
        ];
        foreach (var payload in payloads) await other.SendAsync($"PRIVMSG {channel} :{payload}", Token);
        await other.SendAsync($"TOPIC {channel} :<img src=x onerror=\"window.__pwned = 'topic'\">", Token);

        foreach (var payload in payloads) await Expect(client.Line(payload)).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#buffer-topic")).ToHaveTextAsync("<img src=x onerror=\"window.__pwned = 'topic'\">");
        await Expect(client.Page.Locator("#messages img, #messages script, #messages svg, #buffer-topic img")).ToHaveCountAsync(0);
        (await client.Page.EvaluateAsync<string?>("() => window.__pwned ?? null")).Should().BeNull();
        await client.ScreenshotAsync("hostile-payloads");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task LongTextGoesOutInSeveralLinesThatArriveWhole()
    {
        var (client, other, channel, _) = await JoinSomeoneAsync("nina");
        var words = Enumerable.Range(1, 160).Select(i => $"wörd{i}");
        var text = string.Join(' ', words) + " 日本語😀";

        await client.TypeAsync(text);

        var received = new List<string>();
        while (string.Concat(received).Replace(" ", "", StringComparison.Ordinal).Length < text.Replace(" ", "", StringComparison.Ordinal).Length)
        {
            var line = await other.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[0] == channel, IrcTimeout, Token);
            received.Add(line.Params[^1]);
        }
        received.Should().HaveCountGreaterThan(2);
        string.Join(' ', received).Should().Be(text, "the text is cut at spaces, and each cut drops only that space");
        foreach (var part in received) await Expect(client.Line(part)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AReloadBringsTheConversationBackFromTheGateway()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("frank");

        await other.SendAsync($"PRIVMSG {channel} :before the reload", Token);
        await Expect(client.Line("before the reload")).ToHaveCountAsync(1);
        await client.TypeAsync("mine, before the reload");
        await ReceivedAsync(other, "PRIVMSG", "mine, before the reload");
        await Expect(client.Line("mine, before the reload")).ToHaveCountAsync(1);
        await other.SendAsync($"PRIVMSG {me} :unread, before the reload", Token);
        await Expect(client.Buffer(other.Nick).Locator(".badge")).ToHaveTextAsync("1");

        await client.Page.ReloadAsync();

        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(client.Line("before the reload")).ToHaveCountAsync(1);
        await Expect(client.Line("mine, before the reload")).ToHaveCountAsync(1);
        await Expect(client.Nick(other.Nick)).ToBeVisibleAsync();
        await Expect(client.Page.Locator("#connect-dialog")).ToBeHiddenAsync();
        // The private message is back, still unread: what was read is kept in the browser, not the replay.
        await Expect(client.Buffer(other.Nick)).ToBeVisibleAsync();
        await Expect(client.Buffer(other.Nick).Locator(".badge-mention")).ToHaveTextAsync("1");
        await Expect(client.Page.Locator("#connections .badge")).ToHaveCountAsync(1);
        await Expect(client.Page).ToHaveTitleAsync("(1) IrcStream");
        await client.OpenBufferAsync(other.Nick);
        await Expect(client.Page.Locator("#connections .badge")).ToHaveCountAsync(0);
        await client.Page.ReloadAsync();
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(other.Nick);
        await Expect(client.Line("unread, before the reload")).ToHaveCountAsync(1);
        await Expect(client.Page).ToHaveTitleAsync("IrcStream");
        await Expect(client.Page.Locator("#connections .badge")).ToHaveCountAsync(0);
        await client.OpenBufferAsync(channel);

        await other.SendAsync($"PRIVMSG {channel} :after the reload", Token);
        await Expect(client.Line("after the reload")).ToHaveCountAsync(1);
        await client.ScreenshotAsync("after-reload");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task LosingTheNetworkLosesNothingAndDuplicatesNothing()
    {
        var (client, other, channel, _) = await JoinSomeoneAsync("grace");
        await other.SendAsync($"PRIVMSG {channel} :online 1", Token);
        await Expect(client.Line("online 1")).ToHaveCountAsync(1);
        var streamsBefore = client.Requests.Count(IsEventStream);

        // The network goes: the open stream breaks and nothing new gets through until it is back.
        await client.Context.SetOfflineAsync(true);
        _cutter.CutAll().Should().Be(1);
        await Expect(client.Page.Locator("#transport-state")).ToHaveTextAsync("reconnecting to the gateway…");
        for (var i = 1; i <= 5; i++) await other.SendAsync($"PRIVMSG {channel} :while offline {i}", Token);
        await other.SendAsync("PING :sync", Token);
        await other.WaitForAsync(m => m.Command == "PONG" && m.Params[^1] == "sync", IrcTimeout, Token);
        await client.Context.SetOfflineAsync(false);

        for (var i = 1; i <= 5; i++) await Expect(client.Line($"while offline {i}")).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#transport-state")).ToBeHiddenAsync();
        await other.SendAsync($"PRIVMSG {channel} :online 2", Token);
        await Expect(client.Line("online 2")).ToHaveCountAsync(1);
        await Expect(client.Line("online 1")).ToHaveCountAsync(1);
        client.Requests.Count(IsEventStream).Should().BeGreaterThan(streamsBefore, "the lost stream was opened again");
        var lines = await client.Page.Locator("#messages .line .text").AllTextContentsAsync();
        lines.Should().OnlyHaveUniqueItems();
        await client.ScreenshotAsync("after-network-loss");
    }

    [Fact]
    public async Task LongPollModeCarriesTheSameConversation()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("heidi", "?transport=poll");
        await Expect(client.Page.Locator("#transport-state")).ToHaveTextAsync("polling");

        await other.SendAsync($"PRIVMSG {channel} :polled hello", Token);
        await Expect(client.Line("polled hello")).ToHaveCountAsync(1);
        await client.TypeAsync("polled answer");
        await ReceivedAsync(other, "PRIVMSG", "polled answer");
        await Expect(client.Line("polled answer")).ToHaveCountAsync(1);
        await other.SendAsync($"PRIVMSG {channel} :\u0001ACTION polls\u0001", Token);
        await Expect(client.Page.Locator("#messages .line.kind-action .text")).ToHaveTextAsync("polls");

        await client.Page.ReloadAsync();
        await Expect(client.Line("polled hello")).ToHaveCountAsync(1);
        await Expect(client.Line("polled answer")).ToHaveCountAsync(1);

        client.Requests.Should().Contain(url => url.Contains("/poll?since=", StringComparison.Ordinal));
        client.Requests.Should().NotContain(url => IsEventStream(url));
        await client.ScreenshotAsync("long-poll");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task WithoutEventSourceTheClientPolls()
    {
        var (client, other, channel, _) = await JoinSomeoneAsync("ivan", beforeLoad: "delete window.EventSource;");
        await Expect(client.Page.Locator("#transport-state")).ToHaveTextAsync("polling");

        await other.SendAsync($"PRIVMSG {channel} :no EventSource here", Token);
        await Expect(client.Line("no EventSource here")).ToHaveCountAsync(1);
        client.Requests.Should().NotContain(url => IsEventStream(url));
    }

    [Fact]
    public async Task AStreamThatKeepsFailingGivesWayToLongPoll()
    {
        var channel = UniqueChannel();
        var other = await OtherPersonAsync("judy", channel);
        var client = await OpenClientAsync();
        var refused = 0;
        await client.Page.RouteAsync("**/api/connections/*/events*", route =>
        {
            Interlocked.Increment(ref refused);
            return route.FulfillAsync(new() { Status = 502, ContentType = "text/plain", Body = "a proxy that breaks streams" });
        });
        await client.ConnectAsync(Server, RawIrcClient.UniqueNick("me"), channel);
        await Expect(client.Page.Locator("#transport-state")).ToHaveTextAsync("polling");

        await other.SendAsync($"PRIVMSG {channel} :through the fallback", Token);
        await Expect(client.Line("through the fallback")).ToHaveCountAsync(1);
        await client.TypeAsync("answer through the fallback");
        await ReceivedAsync(other, "PRIVMSG", "answer through the fallback");
        await Expect(client.Line("answer through the fallback")).ToHaveCountAsync(1);
        Volatile.Read(ref refused).Should().BeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task EventsTheGatewayNoLongerKeepsShowAsAGapAndTheNickListIsAskedForAgain()
    {
        await using var smallGateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["IrcStream:EventBufferSize"] = "30",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true);
        var (client, other, channel, _) = await JoinSomeoneAsync("kim", gateway: smallGateway);
        for (var i = 1; i <= 40; i++) await other.SendAsync($"PRIVMSG {channel} :message {i}", Token);
        await Expect(client.Line("message 40")).ToHaveCountAsync(1);

        await client.Page.ReloadAsync();

        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
        await Expect(client.Page.Locator("#messages .line.kind-gap")).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#messages .line.kind-gap")).ToContainTextAsync("Some messages were not kept");
        await Expect(client.Line("message 40")).ToHaveCountAsync(1);
        await Expect(client.Line("message 1")).ToHaveCountAsync(0);
        await Expect(client.Nick(other.Nick)).ToBeVisibleAsync();
        await client.ScreenshotAsync("gap");
    }

    [Fact]
    public async Task TheConnectFormShowsTheGatewaysObjectionsNextToTheField()
    {
        var client = await OpenClientAsync();
        await Expect(client.Page.Locator($"#allowed-servers option[value=\"{Server}\"]")).ToHaveCountAsync(1);

        await client.Page.Locator("#connect-server").FillAsync("irc.not-allowed.example:6667");
        await client.Page.Locator("#connect-nick").FillAsync("someone");
        await client.Page.Locator("#connect-submit").ClickAsync();
        var serverError = client.Page.Locator(".field-error[data-error-for=\"server\"]");
        await Expect(serverError).ToBeVisibleAsync();
        await Expect(serverError).ToContainTextAsync("does not allow");
        await Expect(serverError).Not.ToContainTextAsync("IrcStream:");
        await Expect(client.Page.Locator("#connect-server")).ToHaveAttributeAsync("aria-invalid", "true");

        await client.Page.Locator("#connect-server").FillAsync(Server);
        await client.Page.Locator("summary").ClickAsync();
        await client.Page.Locator("#connect-realname").FillAsync(new string('r', 300));
        await client.Page.Locator("#connect-submit").ClickAsync();
        var realnameError = client.Page.Locator(".field-error[data-error-for=\"realname\"]");
        await Expect(realnameError).ToBeVisibleAsync();
        await Expect(realnameError).ToContainTextAsync("real name");
        await Expect(serverError).ToBeHiddenAsync();
        await client.ScreenshotAsync("connect-form-errors");
    }

    [Fact]
    public async Task TwoConnectionsAtOnceEachWithTheirOwnBuffersAndState()
    {
        var channel = UniqueChannel();
        var first = RawIrcClient.UniqueNick("one");
        var second = RawIrcClient.UniqueNick("two");
        var client = await OpenClientAsync();
        await client.ConnectAsync(Server, first, channel);

        await client.Page.Locator("#new-connection").ClickAsync();
        await client.Page.Locator("#connect-server").FillAsync(Server);
        await client.Page.Locator("#connect-nick").FillAsync(second);
        await client.Page.Locator("#connect-channels").FillAsync(channel);
        await client.Page.Locator("#connect-submit").ClickAsync();
        await Expect(client.Page.Locator(".conn[data-state=\"connected\"]")).ToHaveCountAsync(2);
        await Expect(client.Page.Locator($".conn .buffer[data-buffer=\"{channel}\"]")).ToHaveCountAsync(2);
        await Expect(client.Nick(first)).ToBeVisibleAsync();
        await Expect(client.Nick(second)).ToBeVisibleAsync();

        // The second connection speaks; the first one's channel buffer counts it as unread (and as a mention).
        await client.TypeAsync($"{first}: hello me");
        var firstChannel = client.Page.Locator(".conn").Nth(0).Locator($".buffer[data-buffer=\"{channel}\"]");
        await client.Page.Locator(".conn").Nth(0).Locator(".buffer-server").ClickAsync();
        await Expect(firstChannel.Locator(".badge-mention")).ToHaveTextAsync("1");
        await firstChannel.ClickAsync();
        await Expect(client.Line($"{first}: hello me")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bhighlight\b"));
        await Expect(firstChannel.Locator(".badge")).ToHaveCountAsync(0);
        await client.ScreenshotAsync("two-connections");
    }

    [Fact]
    public async Task QuitClosesTheConnectionAndRemoveTakesItAway()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("liam");
        await client.TypeAsync("/quit see you later");
        await other.WaitForAsync(m => m.Command == "QUIT" && m.Source!.StartsWith(me + "!", StringComparison.Ordinal), IrcTimeout, Token);
        await Expect(client.StateBadge).ToHaveTextAsync("closed");
        await Expect(client.Page.Locator("#input")).ToBeDisabledAsync();
        // Nobody is known to be in the channel of a closed connection.
        await Expect(client.Page.Locator("#nicks .nick-item")).ToHaveCountAsync(0);
        await Expect(client.Page.Locator("#nick-count")).ToHaveTextAsync("0 people");
        var remove = client.Page.Locator(".remove-connection");
        await Expect(remove).ToHaveCSSAsync("border-top-style", "solid");
        await Expect(remove).Not.ToHaveCSSAsync("border-top-color", "rgba(0, 0, 0, 0)");
        await client.ScreenshotAsync("closed-connection");
        await remove.ClickAsync();
        await Expect(client.Page.Locator(".conn")).ToHaveCountAsync(0);
        await Expect(client.Page.Locator("#connect-dialog")).ToBeVisibleAsync();
        await client.Page.ReloadAsync();
        await Expect(client.Page.Locator("#connect-dialog")).ToBeVisibleAsync();
        await Expect(client.Page.Locator(".conn")).ToHaveCountAsync(0);
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task OnAPhoneInTheDarkTheBuffersSlideInAndEverythingStaysReadable()
    {
        var phone = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 390, Height = 760 },
            ColorScheme = ColorScheme.Dark,
            IsMobile = true,
            HasTouch = true,
        };
        var (client, other, channel, _) = await JoinSomeoneAsync("mia", options: phone);
        await other.SendAsync($"PRIVMSG {channel} :a message long enough to wrap on a phone-sized screen, which is narrow", Token);
        await Expect(client.Line("a message long enough to wrap on a phone-sized screen, which is narrow")).ToHaveCountAsync(1);

        await Expect(client.Page.Locator("body")).ToHaveCSSAsync("background-color", "rgb(22, 24, 29)");
        await Expect(client.Page.Locator("#toggle-sidebar")).ToBeVisibleAsync();
        (await SidebarRightEdgeAsync(client)).Should().BeLessThanOrEqualTo(0, "the sidebar waits off screen");
        var messages = await client.Page.Locator("#messages").BoundingBoxAsync();
        messages!.Width.Should().BeGreaterThan(380, "the messages take the whole width");
        await client.ScreenshotAsync("phone-dark");

        await client.Page.Locator("#toggle-sidebar").ClickAsync();
        await Expect(client.Page.Locator("#scrim")).ToBeVisibleAsync();
        // Wait for the slide to end: the sidebar's left edge reaches the screen's.
        await client.Page.WaitForFunctionAsync("() => document.getElementById('sidebar').getBoundingClientRect().left >= 0");
        await client.ScreenshotAsync("phone-dark-sidebar");
        await client.Buffer(channel).ClickAsync();
        await Expect(client.Page.Locator("#scrim")).ToBeHiddenAsync();
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(channel);
    }

    private static async Task<double> SidebarRightEdgeAsync(ClientPage client) =>
        await client.Page.Locator("#sidebar").EvaluateAsync<double>("node => node.getBoundingClientRect().right");

    private static bool IsEventStream(string url) => System.Text.RegularExpressions.Regex.IsMatch(url, "/api/connections/[^/]+/events");
}

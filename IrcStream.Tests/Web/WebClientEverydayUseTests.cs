using System.Text.RegularExpressions;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// What a person notices in their first ten minutes with the client (issue 12): the view following the
/// conversation, read state across reloads and tabs, errors where they typed, an IRC outage, notifications,
/// keyboard and screen-reader use.
/// </summary>
public sealed partial class WebClientEndToEndTests
{
    /// <summary>True when the newest line of the log is wholly inside the scrolled area.</summary>
    private const string NewestLineInView = """
        () => {
          const m = document.getElementById('messages');
          const lines = m.querySelectorAll('.line');
          const last = lines[lines.length - 1];
          if (!last) return false;
          const a = last.getBoundingClientRect(), b = m.getBoundingClientRect();
          return a.bottom <= b.bottom + 1 && a.top >= b.top - 1;
        }
        """;

    private static async Task ExpectNewestLineInViewAsync(ClientPage client, string because)
    {
        try
        {
            await client.Page.WaitForFunctionAsync(NewestLineInView, null, new() { Timeout = ClientPage.Timeout });
        }
        catch (TimeoutException)
        {
            var gap = await client.Page.EvaluateAsync<double>("() => { const m = document.getElementById('messages'); return m.scrollHeight - m.scrollTop - m.clientHeight; }");
            throw new Xunit.Sdk.XunitException($"The newest line is not in view {because}: the view is {gap:0} px short of the bottom.");
        }
    }

    [Fact]
    public async Task TheViewFollowsTheConversationAndScrollingUpShowsAJumpButton()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("olga");
        var filler = string.Join(' ', Enumerable.Repeat("a long line that wraps once the nick list takes its share of the width", 3));
        for (var i = 1; i <= 30; i++) await other.SendAsync($"PRIVMSG {channel} :{i} {filler}", Token);
        await other.SendAsync($"PRIVMSG {me} :a private word", Token);
        await Expect(client.Buffer(other.Nick)).ToBeVisibleAsync();
        await Expect(client.Line($"30 {filler}")).ToHaveCountAsync(1);

        // Opening the channel from the server buffer and from a private chat: the nick list appears and lines wrap.
        await client.Page.Locator(".buffer-server").ClickAsync();
        await client.OpenBufferAsync(channel);
        await ExpectNewestLineInViewAsync(client, "after opening the channel from the server buffer");
        await client.OpenBufferAsync(other.Nick);
        await client.OpenBufferAsync(channel);
        await ExpectNewestLineInViewAsync(client, "after opening the channel from a private chat");

        await client.Page.SetViewportSizeAsync(760, 520);
        await ExpectNewestLineInViewAsync(client, "after the window shrank");
        await other.SendAsync($"PRIVMSG {channel} :arrives in view", Token);
        await Expect(client.Line("arrives in view")).ToHaveCountAsync(1);
        await ExpectNewestLineInViewAsync(client, "after a new line arrived");
        await Expect(client.Page.Locator("#jump-to-bottom")).ToBeHiddenAsync();

        // The reader scrolls up: new lines leave the view where it is and offer a way down.
        await client.Messages.HoverAsync();
        await client.Page.Mouse.WheelAsync(0, -1500);
        try
        {
            await client.Page.WaitForFunctionAsync("() => { const m = document.getElementById('messages'); return m.scrollHeight - m.clientHeight - m.scrollTop > 1000; }");
        }
        catch (TimeoutException)
        {
            var where = await client.Messages.EvaluateAsync<string>("m => `${m.scrollTop} of ${m.scrollHeight} (view ${m.clientHeight})`");
            throw new Xunit.Sdk.XunitException($"The wheel did not scroll the log up: scrollTop {where}.");
        }
        // Wait for the wheel's smooth scroll to end: two frames without movement.
        await client.Page.WaitForFunctionAsync("""
            () => new Promise((done) => {
              const m = document.getElementById('messages'), before = m.scrollTop;
              requestAnimationFrame(() => requestAnimationFrame(() => done(m.scrollTop === before)));
            })
            """);
        var readingAt = await client.Messages.EvaluateAsync<double>("m => m.scrollTop");
        await other.SendAsync($"PRIVMSG {channel} :arrives while reading back", Token);
        await Expect(client.Page.Locator("#jump-to-bottom")).ToBeVisibleAsync();
        (await client.Messages.EvaluateAsync<double>("m => m.scrollTop")).Should().BeApproximately(readingAt, 2, "the view stays where the reader is");
        await client.ScreenshotAsync("jump-to-bottom");
        await client.Page.Locator("#jump-to-bottom").ClickAsync();
        await ExpectNewestLineInViewAsync(client, "after the jump button");
        await Expect(client.Page.Locator("#messages .line").Last).ToContainTextAsync("arrives while reading back");
        await Expect(client.Page.Locator("#jump-to-bottom")).ToBeHiddenAsync();
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task ClosedBuffersAndReadMessagesStaySoAfterAReloadAndInTheSessionsOtherTabs()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("pat");
        await other.SendAsync($"PRIVMSG {me} :first private word", Token);
        await Expect(client.Buffer(other.Nick).Locator(".badge")).ToHaveTextAsync("1");

        // A second tab of the same session sees the same unread count, and sees it go when the first tab reads it.
        var second = await client.Context.NewPageAsync();
        await second.GotoAsync(client.Gateway.ToString());
        var secondQuery = second.Locator($"#connections .buffer[data-buffer=\"{other.Nick}\"]");
        await Expect(secondQuery.Locator(".badge")).ToHaveTextAsync("1");
        await Expect(second).ToHaveTitleAsync("(1) IrcStream");
        await client.OpenBufferAsync(other.Nick);
        await Expect(secondQuery.Locator(".badge")).ToHaveCountAsync(0);
        await Expect(second).ToHaveTitleAsync("IrcStream");

        // Closed here, closed there; and a reload brings back neither the chat nor the channel.
        await client.TypeAsync("/close");
        await Expect(client.Buffer(other.Nick)).ToHaveCountAsync(0);
        await Expect(secondQuery).ToHaveCountAsync(0);
        await client.OpenBufferAsync(channel);
        await client.TypeAsync("/close");
        await other.WaitForAsync(m => m.Command == "PART" && m.Source!.StartsWith(me + "!", StringComparison.Ordinal), IrcTimeout, Token);
        await Expect(client.Buffer(channel)).ToHaveCountAsync(0);
        await client.Page.ReloadAsync();
        await Expect(client.Page.Locator(".conn[data-state=\"connected\"]")).ToHaveCountAsync(1);
        await Expect(client.Page.Locator("#messages .line").First).ToBeVisibleAsync();
        await Expect(client.Page.Locator("#connections .buffer")).ToHaveCountAsync(1);

        // New activity opens the chat again, unread.
        await other.SendAsync($"PRIVMSG {me} :second private word", Token);
        await Expect(client.Buffer(other.Nick).Locator(".badge")).ToHaveTextAsync("1");
        await Expect(client.Buffer(channel)).ToHaveCountAsync(0);
        await client.OpenBufferAsync(other.Nick);
        await Expect(client.Line("second private word")).ToHaveCountAsync(1);
        await Expect(client.Line("first private word")).ToHaveCountAsync(0);
        await client.ScreenshotAsync("reopened-after-close");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task BadgesCountEveryUnreadMessageAndADividerMarksWhereTheReaderLeft()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("quinn");
        await other.SendAsync($"PRIVMSG {channel} :read before leaving", Token);
        await Expect(client.Line("read before leaving")).ToHaveCountAsync(1);
        await client.Page.Locator(".buffer-server").ClickAsync();

        for (var i = 1; i <= 3; i++) await other.SendAsync($"PRIVMSG {channel} :unread {i}", Token);
        await other.SendAsync($"PRIVMSG {channel} :{me}: are you there?", Token);
        var badge = client.Buffer(channel).Locator(".badge");
        await Expect(badge).ToHaveTextAsync("4");
        await Expect(badge).ToHaveClassAsync(new Regex(@"\bbadge-mention\b"));
        await client.ScreenshotAsync("unread-badges");

        await client.OpenBufferAsync(channel);
        var divider = client.Page.Locator("#messages .unread-divider");
        await Expect(divider).ToHaveCountAsync(1);
        await Expect(divider).ToHaveTextAsync("New messages");
        (await divider.EvaluateAsync<string>("d => d.nextElementSibling.querySelector('.text').textContent")).Should().Be("unread 1");
        await Expect(client.Page.Locator("#messages .day-separator").First).ToHaveTextAsync("Today");
        await client.ScreenshotAsync("unread-divider");

        // On a narrow screen the ☰ button tells of unread messages, and more strongly of a mention.
        await client.Page.SetViewportSizeAsync(390, 760);
        var toggle = client.Page.Locator("#toggle-sidebar");
        await Expect(toggle).ToBeVisibleAsync();
        await Expect(toggle).ToHaveAttributeAsync("data-unread", "");
        await other.SendAsync($"PRIVMSG {me} :psst", Token);
        await Expect(toggle).ToHaveAttributeAsync("data-unread", "mention");
        await toggle.ClickAsync();
        await client.OpenBufferAsync(other.Nick);
        await Expect(toggle).ToHaveAttributeAsync("data-unread", "");
        await client.TypeAsync($"/join {channel}x");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync($"{channel}x");
        await other.SendAsync($"PRIVMSG {channel} :nothing special", Token);
        await Expect(toggle).ToHaveAttributeAsync("data-unread", "unread");
        await client.ScreenshotAsync("narrow-unread-dot");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task AfterAnIrcOutageTheSidebarIsTrueAgainAndNothingTypedIsLost()
    {
        await using var server = await InspircdServer.StartAsync(Token);
        var address = $"{server.Host}:{server.Port}";
        await using var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = address,
            ["IrcStream:ReconnectDelay"] = "00:00:10",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true);
        var channel = UniqueChannel();
        var me = RawIrcClient.UniqueNick("me");
        var client = await ClientPage.OpenAsync(browser.Browser, gateway.BaseAddress);
        _disposables.Add(client);
        await client.ConnectAsync(address, me, channel);
        await client.TypeAsync("/topic the topic before the outage");
        await Expect(client.Page.Locator("#buffer-topic")).ToHaveTextAsync("the topic before the outage");
        var before = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("tom"), Token);
        _disposables.Add(before);
        await before.SendAsync($"JOIN {channel}", Token);
        await Expect(client.Nick(before.Nick)).ToBeVisibleAsync();

        // The server goes away and comes back empty; someone else takes the nick before the gateway is back.
        await server.RestartAsync(Token);
        var thief = await RawIrcClient.ConnectAsync(server.Host, server.Port, me, Token);
        _disposables.Add(thief);
        await Expect(client.StateBadge).ToHaveTextAsync("reconnecting");
        await Expect(client.Page.Locator("#messages .line.kind-status", new() { HasTextString = "Reconnecting" })).ToHaveCountAsync(1);
        await ExpectNewestLineInViewAsync(client, "when the outage lines arrived");
        await Expect(client.Buffer(channel)).ToHaveClassAsync(new Regex(@"\bparted\b"));

        // Typed while the server is away: kept in the box, with a reason in plain words.
        var input = client.Page.Locator("#input");
        await input.FillAsync("typed during the outage");
        await input.PressAsync("Enter");
        var refusal = client.Page.Locator("#messages .line.kind-error").Last;
        await Expect(refusal).ToContainTextAsync("still in the box");
        await Expect(refusal).Not.ToContainTextAsync("CONNECTED");
        await Expect(input).ToHaveValueAsync("typed during the outage");
        await client.ScreenshotAsync("outage-typed-text-kept");

        await Expect(client.StateBadge).ToHaveTextAsync("connected");
        await Expect(client.Buffer(channel)).Not.ToHaveClassAsync(new Regex(@"\bparted\b"));
        await Expect(client.Page.Locator("#buffer-topic")).ToHaveTextAsync("No topic");
        var newNick = await client.Page.Locator("#input-nick").TextContentAsync();
        newNick.Should().NotBe(me, "the nick was taken while the gateway was away");
        await Expect(client.Page.Locator("#nicks .nick-item")).ToHaveCountAsync(1);
        await Expect(client.Nick(newNick!)).ToBeVisibleAsync();
        await Expect(client.Nick(before.Nick)).ToHaveCountAsync(0);
        // The refused nick during the new registration was the gateway's business: not an error in the channel.
        await Expect(client.Page.Locator("#messages .line.kind-error", new() { HasTextString = "is taken" })).ToHaveCountAsync(0);
        await client.ScreenshotAsync("after-outage");

        var after = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("una"), Token);
        _disposables.Add(after);
        await after.SendAsync($"JOIN {channel}", Token);
        await Expect(client.Nick(after.Nick)).ToBeVisibleAsync();
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync("");
        await ReceivedAsync(after, "PRIVMSG", "typed during the outage");

        await client.Page.Locator(".buffer-server").ClickAsync();
        await Expect(client.Line($"You are {newNick}: the nick {me} was not available.")).ToHaveCountAsync(1);
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task ErrorRepliesShowWhereTheUserTypedAndWhoisIsACard()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("rita");
        var closed = UniqueChannel();
        await other.SendAsync($"JOIN {closed}", Token);
        await other.SendAsync($"MODE {closed} +i", Token);
        await other.WaitForAsync(m => m.Command == "MODE" && m.Params[0] == closed, IrcTimeout, Token);

        await client.TypeAsync($"/nick {other.Nick}");
        await Expect(client.Page.Locator("#messages .line.kind-error", new() { HasTextString = $"The nick {other.Nick} is taken" })).ToHaveCountAsync(1);
        await client.TypeAsync($"/join {closed}");
        // A refused join opens the channel's buffer with the reason, where the person looks for the channel.
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(closed);
        await Expect(client.Page.Locator("#messages .line.kind-error", new() { HasTextString = $"Cannot join {closed}: it is invite only." })).ToHaveCountAsync(1);
        await client.OpenBufferAsync(channel);
        await client.TypeAsync("/topic not mine to set");
        await Expect(client.Page.Locator("#messages .line.kind-error", new() { HasTextString = $"You need to be a channel operator in {channel}" })).ToHaveCountAsync(1);

        await client.TypeAsync($"/whois {other.Nick}");
        var card = client.Page.Locator("#messages .whois-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.Locator(".whois-title")).ToHaveTextAsync(other.Nick);
        await Expect(card.Locator("dt:has-text('Address') + dd")).ToHaveTextAsync(new Regex(@"^\S+@127\.0\.0\.1$"));
        await Expect(card.Locator("dt", new() { HasTextString = "Channels" })).ToHaveCountAsync(1);
        await Expect(card.Locator("dt", new() { HasTextString = "Server" })).ToHaveCountAsync(1);
        await Expect(card.Locator("dt:has-text('Idle') + dd")).ToHaveTextAsync(new Regex(@"^\d+ (second|minute)s?$"));
        await Expect(card.Locator("dt:has-text('Signed on') + dd")).Not.ToHaveTextAsync(new Regex(@"^\d{9,}$"));
        await Expect(client.Messages).Not.ToContainTextAsync("seconds idle");
        await client.ScreenshotAsync("errors-and-whois");

        await client.Page.Locator(".buffer-server").ClickAsync();
        var noMotd = client.Line("Message of the day file is missing.");
        await Expect(noMotd).ToHaveCountAsync(1);
        await Expect(noMotd).Not.ToHaveClassAsync(new Regex(@"\bkind-error\b"));
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task BuffersCloseAndLeaveFromTheSidebarAndAConnectionThatKeepsFailingCanBeStopped()
    {
        var refusing = FreePort.Next();
        await using var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["IrcStream:AllowedServers:1"] = $"127.0.0.1:{refusing}",
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true);
        var (client, other, channel, me) = await JoinSomeoneAsync("sven", gateway: gateway);
        await client.TypeAsync("my own colour");
        var ownInLog = client.Page.Locator("#messages .line.self .nick");
        await Expect(ownInLog).ToHaveCountAsync(1);
        var logColour = await ownInLog.EvaluateAsync<string>("n => getComputedStyle(n).color");
        await Expect(client.Nick(me).Locator(".nick")).ToHaveCSSAsync("color", logColour);
        await Expect(client.Page.Locator("#messages .day-separator")).ToHaveTextAsync("Today");

        await client.Page.Locator("#leave-channel").ClickAsync();
        await other.WaitForAsync(m => m.Command == "PART" && m.Source!.StartsWith(me + "!", StringComparison.Ordinal), IrcTimeout, Token);
        await Expect(client.Buffer(channel)).ToHaveClassAsync(new Regex(@"\bparted\b"));
        await Expect(client.Page.Locator("#leave-channel")).ToBeHiddenAsync();
        await other.SendAsync($"PRIVMSG {me} :talk to me", Token);
        await Expect(client.Buffer(other.Nick)).ToBeVisibleAsync();
        await CloseButton(client, other.Nick).ClickAsync();
        await Expect(client.Buffer(other.Nick)).ToHaveCountAsync(0);
        await CloseButton(client, channel).ClickAsync();
        await Expect(client.Buffer(channel)).ToHaveCountAsync(0);

        // A server that refuses every connection: the gateway keeps trying until the user stops it.
        await client.Page.Locator("#new-connection").ClickAsync();
        await client.Page.Locator("#connect-server").FillAsync($"127.0.0.1:{refusing}");
        await client.Page.Locator("#connect-nick").FillAsync(RawIrcClient.UniqueNick("me"));
        await client.Page.Locator("#connect-channels").FillAsync("");
        await client.Page.Locator("#connect-submit").ClickAsync();
        var failing = client.Page.Locator(".conn").Nth(1);
        await Expect(failing).ToHaveAttributeAsync("data-state", new Regex("^(reconnecting|disconnected)$"));
        var stop = failing.Locator(".stop-connection");
        await Expect(stop).ToBeVisibleAsync();
        await client.ScreenshotAsync("stop-a-failing-connection");
        await stop.ClickAsync();
        await Expect(failing).ToHaveAttributeAsync("data-state", "closed");
        await Expect(failing.Locator(".stop-connection")).ToHaveCountAsync(0);
        await Expect(failing.Locator(".remove-connection")).ToBeVisibleAsync();
        client.PageErrors.Should().BeEmpty();
    }

    private static ILocator CloseButton(ClientPage client, string buffer) =>
        client.Page.Locator("#connections .buffer-row", new() { Has = client.Page.Locator($".buffer[data-buffer=\"{buffer}\"]") }).Locator(".buffer-close");

    [Fact]
    public async Task TheNickListAndSidebarWorkFromTheKeyboardAndAxeFindsNothingSerious()
    {
        var (client, other, channel, me) = await JoinSomeoneAsync("tess");
        await Expect(client.Page.Locator("#messages [role=log]")).ToHaveCountAsync(1);
        await ExpectNoSeriousAxeViolationsAsync(client, "the channel view");

        // Rebuilding the sidebar (a new private chat, a badge) leaves the keyboard focus where it was.
        await client.Buffer(channel).FocusAsync();
        await other.SendAsync($"PRIVMSG {me} :hello there", Token);
        await Expect(client.Buffer(other.Nick).Locator(".badge")).ToHaveTextAsync("1");
        (await client.Page.EvaluateAsync<string?>("() => document.activeElement?.dataset.buffer ?? null")).Should().Be(channel);

        var entry = client.Nick(other.Nick);
        (await entry.EvaluateAsync<string>("n => n.tagName")).Should().Be("BUTTON");
        await entry.FocusAsync();
        await client.Page.Keyboard.PressAsync("Enter");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(other.Nick);
        await ExpectNoSeriousAxeViolationsAsync(client, "a private chat");

        await client.Page.Locator("#open-settings").ClickAsync();
        await Expect(client.Page.Locator("#settings-dialog")).ToBeVisibleAsync();
        await ExpectNoSeriousAxeViolationsAsync(client, "the settings dialog");
        await client.Page.Locator("#settings-close").ClickAsync();
        await client.Page.Locator("#new-connection").ClickAsync();
        await Expect(client.Page.Locator("#connect-dialog")).ToBeVisibleAsync();
        await ExpectNoSeriousAxeViolationsAsync(client, "the connect form");
        await client.Page.Locator("#connect-cancel").ClickAsync();

        await client.Page.SetViewportSizeAsync(390, 760);
        await ExpectNoSeriousAxeViolationsAsync(client, "a phone-sized screen");
        await client.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await ExpectNoSeriousAxeViolationsAsync(client, "a phone-sized screen in the dark theme");
        client.PageErrors.Should().BeEmpty();
    }

    private static Task ExpectNoSeriousAxeViolationsAsync(ClientPage client, string screen) => AxeChecks.ExpectNoSeriousViolationsAsync(client.Page, screen);

    /// <summary>Records every Notification the page creates (keeping the object so a test can click it) and every tone it plays.</summary>
    private const string RecordNotifications = """
        window.__notifications = [];
        const Real = window.Notification;
        class Recorded extends Real {
          constructor(title, options) {
            super(title, options);
            window.__notifications.push({ title, body: options?.body ?? '', notification: this });
          }
        }
        Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
        Recorded.requestPermission = (...args) => Real.requestPermission(...args);
        window.Notification = Recorded;
        window.__tones = 0;
        const RealAudio = window.AudioContext;
        window.AudioContext = class extends RealAudio {
          createOscillator() {
            window.__tones += 1;
            return super.createOscillator();
          }
        };
        """;

    [Fact]
    public async Task MentionsAndPrivateMessagesNotifyWhileThePageIsInTheBackground()
    {
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 1100, Height = 700 },
            Permissions = ["notifications"],
        };
        var (client, other, channel, me) = await JoinSomeoneAsync("ugo", beforeLoad: RecordNotifications, options: options);
        await client.Page.Locator("#open-settings").ClickAsync();
        await client.Page.Locator("#setting-notify").CheckAsync();
        await client.Page.Locator("#setting-sound").CheckAsync();
        await Expect(client.Page.Locator("#setting-notify")).ToBeCheckedAsync();
        await client.ScreenshotAsync("notification-settings");
        await client.Page.Locator("#settings-close").ClickAsync();

        // In the foreground nothing pops up.
        await other.SendAsync($"PRIVMSG {channel} :{me}: seen on screen", Token);
        await Expect(client.Line($"{me}: seen on screen")).ToHaveCountAsync(1);

        // Another tab in front: this page is in the background now.
        // Playwright makes every page act focused; without that emulation the page in the back is unfocused, as in a browser.
        var devtools = await client.Context.NewCDPSessionAsync(client.Page);
        await devtools.SendAsync("Emulation.setFocusEmulationEnabled", new Dictionary<string, object> { ["enabled"] = false });
        var front = await client.Context.NewPageAsync();
        await front.BringToFrontAsync();
        await client.Page.WaitForFunctionAsync("() => document.hidden || !document.hasFocus()");
        await other.SendAsync($"PRIVMSG {channel} :not about you", Token);
        await other.SendAsync($"PRIVMSG {channel} :{me}: look here", Token);
        await other.SendAsync($"PRIVMSG {me} :a private word", Token);
        await client.Page.WaitForFunctionAsync("() => window.__notifications.length >= 2");
        var shown = await client.Page.EvaluateAsync<string[][]>("() => window.__notifications.map((n) => [n.title, n.body])");
        shown.Should().BeEquivalentTo(new[]
        {
            new[] { $"{other.Nick} (in {channel})", $"{me}: look here" },
            new[] { $"{other.Nick} (private message)", "a private word" },
        }, o => o.WithStrictOrdering());

        (await client.Page.EvaluateAsync<int>("() => window.__tones")).Should().BeGreaterThan(0, "the sound is on");
        await client.Page.EvaluateAsync("() => window.__notifications[1].notification.dispatchEvent(new Event('click'))");
        await Expect(client.Page.Locator("#buffer-title")).ToHaveTextAsync(other.Nick);
        await front.CloseAsync();

        await client.Page.ReloadAsync();
        await client.Page.Locator("#open-settings").ClickAsync();
        await Expect(client.Page.Locator("#setting-notify")).ToBeCheckedAsync();
        await Expect(client.Page.Locator("#setting-sound")).ToBeCheckedAsync();
        client.PageErrors.Should().BeEmpty();
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>The web client in one browser context (one gateway session), driven the way a person uses it.</summary>
public sealed class ClientPage : IAsyncDisposable
{
    /// <summary>Generous: the machine may be loaded, and InspIRCd finishes registrations on a 1 s tick.</summary>
    public const float Timeout = 20_000;

    private readonly List<string> _pageErrors = [];
    private readonly List<string> _requests = [];

    private ClientPage(IBrowserContext context, IPage page, Uri gateway)
    {
        Context = context;
        Page = page;
        Gateway = gateway;
        page.PageError += (_, error) =>
        {
            lock (_pageErrors) _pageErrors.Add(error);
        };
        page.Request += (_, request) =>
        {
            lock (_requests) _requests.Add(request.Url);
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Uri Gateway { get; }

    /// <summary>Uncaught errors the page's scripts threw.</summary>
    public IReadOnlyList<string> PageErrors
    {
        get
        {
            lock (_pageErrors) return _pageErrors.ToArray();
        }
    }

    /// <summary>Every URL the page requested, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests) return _requests.ToArray();
        }
    }

    public ILocator Messages => Page.Locator("#messages");

    public ILocator StateBadge => Page.Locator("#connection-state");

    /// <summary>Opens the client at <paramref name="query"/>; <paramref name="beforeLoad"/> is script run before the page's own.</summary>
    public static async Task<ClientPage> OpenAsync(
        IBrowser browser, Uri gateway, string query = "", string? beforeLoad = null, BrowserNewContextOptions? options = null)
    {
        SetDefaultExpectTimeout(Timeout);
        var context = await browser.NewContextAsync(options ?? new() { ViewportSize = new() { Width = 1100, Height = 700 } });
        if (beforeLoad is not null) await context.AddInitScriptAsync(beforeLoad);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        var client = new ClientPage(context, page, gateway);
        await page.GotoAsync(new Uri(gateway, "/" + query).ToString());
        return client;
    }

    /// <summary>Fills the connect form and waits until the client shows the connection registered (and in the channels).</summary>
    public async Task ConnectAsync(string server, string nick, params string[] channels)
    {
        await Expect(Page.Locator("#connect-dialog")).ToBeVisibleAsync();
        // A gateway that allows one server only does not show the field; it is filled with that server.
        if (await Page.Locator("#connect-server").IsVisibleAsync()) await Page.Locator("#connect-server").FillAsync(server);
        else await Expect(Page.Locator("#connect-server")).ToHaveValueAsync(server);
        await Page.Locator("#connect-nick").FillAsync(nick);
        await Page.Locator("#connect-channels").FillAsync(string.Join(' ', channels));
        await Page.Locator("#connect-submit").ClickAsync();
        await Expect(Page.Locator("#connect-dialog")).ToBeHiddenAsync();
        await Expect(Page.Locator($".conn[data-state=\"connected\"]")).ToHaveCountAsync(1);
        foreach (var channel in channels) await Expect(Buffer(channel)).ToBeVisibleAsync();
        if (channels.Length > 0) await Expect(Page.Locator("#buffer-title")).ToHaveTextAsync(channels[0]);
    }

    public ILocator Buffer(string name) => Page.Locator($"#connections .buffer[data-buffer=\"{name}\"]");

    public ILocator Nick(string nick) => Page.Locator($"#nicks .nick-item[data-nick=\"{nick}\"]");

    /// <summary>Lines of the buffer on screen whose text is exactly <paramref name="text"/>.</summary>
    public ILocator Line(string text) => Page.Locator("#messages .line").Filter(new() { Has = Page.Locator(".text", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") }) });

    public async Task OpenBufferAsync(string name)
    {
        await Buffer(name).ClickAsync();
        await Expect(Page.Locator("#buffer-title")).ToHaveTextAsync(name);
    }

    /// <summary>Types into the input and presses Enter, as a person would.</summary>
    public async Task TypeAsync(string text)
    {
        var input = Page.Locator("#input");
        await Expect(input).ToBeEnabledAsync();
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync("");
    }

    public Task ScreenshotAsync(string name) => Screenshots.SaveAsync(Page, name);

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

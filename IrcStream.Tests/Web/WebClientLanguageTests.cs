using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// Languages (issue 19, item 5): every text from one table per language (js/lang), picked by the link's
/// <c>?lang=</c> or the browser's languages, dates and times in that language. Chromium, the gateway with the real
/// engine, InspIRCd.
/// </summary>
[Collection("Web")]
public sealed class WebClientLanguageTests(BrowserFixture browser, InspircdFixture irc) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    private string Server => $"{irc.Server.Host}:{irc.Server.Port}";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) await disposable.DisposeAsync();
    }

    private GatewayHost StartGateway()
    {
        var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["Logging:LogLevel:Default"] = "Warning",
        }, realEngine: true, asShipped: true);
        _disposables.Add(gateway);
        return gateway;
    }

    private async Task<ClientPage> OpenAsync(GatewayHost gateway, string query, string locale)
    {
        var client = await ClientPage.OpenAsync(browser.Browser, gateway.BaseAddress, query,
            options: new() { Locale = locale, ViewportSize = new() { Width = 1100, Height = 700 } });
        _disposables.Add(client);
        return client;
    }

    [Theory]
    [InlineData("?lang=de", "en-US", "de")]
    [InlineData("", "de-AT", "de")]
    [InlineData("?lang=en", "de-DE", "en")]
    [InlineData("", "fr-FR", "en")]
    [InlineData("?lang=xx", "en-GB", "en")]
    public async Task TheLinkOrTheBrowserPicksTheLanguageOfTheWholePage(string query, string locale, string expected)
    {
        var gateway = StartGateway();
        var client = await OpenAsync(gateway, query, locale);
        var page = client.Page;

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", expected);
        var german = expected == "de";
        await Expect(page.Locator("#connect-heading")).ToHaveTextAsync(german ? "Mit IRC verbinden" : "Connect to IRC");
        await Expect(page.Locator("#connect-submit")).ToHaveTextAsync(german ? "Verbinden" : "Connect");
        await Expect(page.Locator("label[for=connect-nick]")).ToHaveTextAsync("Nick");
        await Expect(page.Locator("details.more summary")).ToHaveTextAsync(german ? "Weitere Angaben: echter Name, Passwort, SASL" : "More options: real name, password, SASL");
        await Expect(page.Locator("#input")).ToHaveAttributeAsync("aria-label", german ? "Nachricht oder Befehl" : "Message or command");
        await Expect(page.Locator("#log .empty")).ToHaveTextAsync(german
            ? "Nicht verbunden. Mit „Neue Verbindung“ verbindest du dich mit einem IRC-Server."
            : "Not connected. Use “New connection” to connect to an IRC server.");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task InGermanTheConversationItsStatesAndItsDatesAreGerman()
    {
        var gateway = StartGateway();
        var channel = "#" + RawIrcClient.UniqueNick("sprache");
        var client = await OpenAsync(gateway, "?lang=de", "en-US");
        var page = client.Page;
        await Expect(page.Locator("#connect-heading")).ToHaveTextAsync("Mit IRC verbinden");
        await AxeChecks.ExpectNoSeriousViolationsAsync(page, "the German connect form");
        var nick = RawIrcClient.UniqueNick("anna");
        await client.ConnectAsync(Server, nick, channel);

        await Expect(page.Locator("#connection-state")).ToHaveTextAsync("verbunden");
        await Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator("#toggle-nicks")).ToHaveTextAsync("1 Person");
        await Expect(page.Locator("#messages .day-separator")).ToHaveTextAsync("Heute");
        await Expect(page.Locator("#messages .line.kind-join")).ToContainTextAsync($"{nick} hat {channel} betreten");
        await Expect(page.Locator("#leave-channel")).ToHaveTextAsync("Verlassen");
        await Expect(page.Locator("#input")).ToHaveAttributeAsync("placeholder", $"Nachricht an {channel}");

        await client.TypeAsync("/frobnicate");
        await Expect(page.Locator("#messages .line.kind-error").Last).ToContainTextAsync("Unbekannter Befehl /frobnicate.");
        await client.ScreenshotAsync("german-channel");
        await AxeChecks.ExpectNoSeriousViolationsAsync(page, "a channel in German");

        // Dates and durations follow the language too (Intl). The page runs the bundle: the modules imported here are
        // another instance of the client's, told the language as the page told its own.
        var dates = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const { useLanguage } = await import('/js/i18n.js');
              await useLanguage(document.documentElement.lang);
              const { dayLabel, formatDuration } = await import('/js/log.js');
              const now = new Date(2026, 11, 7, 12, 0);
              return [dayLabel(new Date(2026, 11, 6, 9, 0), now), dayLabel(new Date(2026, 11, 1, 9, 0), now), formatDuration(3720), formatDuration(1)];
            }
            """);
        dates.EnumerateArray().Select(d => d.GetString()).Should().Equal("Gestern", "Dienstag, 1. Dezember 2026", "1 Stunde 2 Minuten", "1 Sekunde");
        client.PageErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task ALanguageFileAnOperatorAddsToADeployedGatewayIsListedServedAndChosen()
    {
        // A published gateway's wwwroot, then one file the build never saw: Esperanto, from the English table.
        using var webRoot = new DeployedWebRoot();
        var english = File.ReadAllText(Path.Combine(webRoot.Folder, "js", "lang", "en.js"));
        var esperanto = english
            .Replace("'connect.heading': 'Connect to IRC'", "'connect.heading': 'Konektiĝi al IRC'", StringComparison.Ordinal)
            .Replace("'connect.submit': 'Connect'", "'connect.submit': 'Konektiĝi'", StringComparison.Ordinal);
        esperanto.Should().Contain("Konektiĝi al IRC").And.Contain("'Konektiĝi'");
        File.WriteAllText(Path.Combine(webRoot.Folder, "js", "lang", "eo.js"), esperanto);
        File.Exists(Path.Combine(webRoot.Folder, "js", "bundle.js")).Should().BeTrue("the deployed folder holds what the build made");

        var gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["Logging:LogLevel:Default"] = "Warning",
            // The test binaries hold the build's manifest, with which MapStaticAssets would also serve any file of the
            // web root it does not know (a help while developing); a published gateway's manifest has no such help.
            ["DisableStaticAssetNotFoundRuntimeFallback"] = "true",
        }, realEngine: true, asShipped: true, webRoot: webRoot.Folder);
        _disposables.Add(gateway);
        using (var http = new HttpClient { BaseAddress = gateway.BaseAddress })
        {
            var config = await http.GetFromJsonAsync<JsonElement>("/api/config", TestContext.Current.CancellationToken);
            config.GetProperty("languages").EnumerateArray().Select(l => l.GetString()).Should().Contain("eo");
            using var table = await http.GetAsync("/js/lang/eo.js", TestContext.Current.CancellationToken);
            table.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "a file the build's manifest does not know is served as it is");
            table.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
            table.Headers.CacheControl!.NoCache.Should().BeTrue("an operator's edit to the table is picked up on reload");
        }

        var client = await OpenAsync(gateway, "?lang=eo", "en-US");
        var page = client.Page;
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "eo");
        await Expect(page.Locator("#connect-heading")).ToHaveTextAsync("Konektiĝi al IRC");
        await Expect(page.Locator("#connect-submit")).ToHaveTextAsync("Konektiĝi");
        client.Requests.Should().Contain(r => r.EndsWith("/js/lang/eo.js", StringComparison.Ordinal));
        client.PageErrors.Should().BeEmpty();
    }
}

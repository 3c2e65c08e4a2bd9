using System.Net;
using System.Net.Http.Json;
using IrcStream.Api.WebClient;
using Microsoft.Playwright;

namespace IrcStream.Tests.Web;

/// <summary>How the gateway serves the client: the page, its headers, and <c>GET /api/config</c>.</summary>
[Collection("Web")]
public sealed class WebClientServingTests(BrowserFixture browser, StaticGatewayFixture gateway) : IClassFixture<StaticGatewayFixture>
{
    [Fact]
    public async Task RootServesTheClientWithAContentSecurityPolicyThatForbidsInlineScript()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        using var response = await http.GetAsync("/", TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.Should().Contain("<script type=\"module\" src=\"/js/app.js\"></script>");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Be(WebClientExtensions.ContentSecurityPolicy);
        foreach (var directive in new[]
                 {
                     "default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "object-src 'none'",
                     "base-uri 'none'", "frame-ancestors 'none'",
                 })
        {
            csp.Split(';', StringSplitOptions.TrimEntries).Should().Contain(directive);
        }
        csp.Should().NotContain("unsafe-inline").And.NotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
    }

    [Fact]
    public async Task EveryModuleOfTheClientIsServedAsJavaScript()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        foreach (var path in new[] { "/js/app.js", "/js/api.js", "/js/events.js", "/js/state.js", "/js/irc.js", "/js/irc-format.js", "/js/irc-split.js", "/js/commands.js", "/js/ui.js", "/css/app.css" })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be(path.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", path);
        }
    }

    [Fact]
    public async Task ConfigListsTheAllowedServers()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        var config = await http.GetFromJsonAsync<WebClientConfig>("/api/config", TestContext.Current.CancellationToken);

        // The configured entries come first; appsettings.json may add its defaults after them.
        config!.AllowedServers.Should().StartWith(["irc.example.test:6697", "*.example.org:6697"]);
    }

    [Fact]
    public async Task TheBrowserRefusesScriptInjectedIntoThePage()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(message.Text);
        };
        await page.GotoAsync(gateway.Host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#connect-dialog")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#allowed-servers option[value=\"irc.example.test:6697\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#allowed-hint")).ToContainTextAsync("*.example.org:6697");
        await Assertions.Expect(page.Locator("#allowed-servers option[value*=\"*\"]")).ToHaveCountAsync(0);

        var ran = await page.EvaluateAsync<bool>("""
            async () => {
              const script = document.createElement('script');
              script.textContent = 'window.__inline = true';
              document.body.appendChild(script);
              const img = document.createElement('img');
              img.setAttribute('onerror', 'window.__inline = true');
              img.src = 'data:,broken';
              document.body.appendChild(img);
              await new Promise((resolve) => setTimeout(resolve, 300));
              return window.__inline === true;
            }
            """);

        await Screenshots.SaveAsync(page, "connect-form");
        ran.Should().BeFalse("the Content-Security-Policy forbids inline script and event handler attributes");
        violations.Should().NotBeEmpty();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
        html.Should().Contain("<script type=\"module\" src=\"/js/bundle.js\"></script>");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
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
        foreach (var path in new[]
                 {
                     "/js/bundle.js", "/js/app.js", "/js/api.js", "/js/events.js", "/js/state.js", "/js/irc.js", "/js/irc-format.js", "/js/irc-split.js",
                     "/js/commands.js", "/js/ui.js", "/js/log.js", "/js/sidebar.js", "/js/nicklist.js", "/js/connect.js", "/js/input.js",
                     "/js/settings.js", "/css/app.css",
                 })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be(path.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", path);
        }
    }

    [Fact]
    public async Task ThePageLoadsOneBundleThatHoldsEveryModuleItsEntryImports()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        var html = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Should().Equal(["/js/bundle.js"], "one request brings the whole client");
        html.Should().NotContain("modulepreload", "nothing else is loaded before the page can run");

        // Every module reached from app.js by static imports, as the browser would fetch them without the bundle.
        var imported = new List<string>(["app.js"]);
        var pending = new Queue<string>(["app.js"]);
        while (pending.TryDequeue(out var module))
        {
            var source = await http.GetStringAsync("/js/" + module, TestContext.Current.CancellationToken);
            var folder = module.Contains('/', StringComparison.Ordinal) ? module[..(module.LastIndexOf('/') + 1)] : "";
            foreach (Match import in Regex.Matches(source, @"^import\s[^;]*?from\s+'\./([\w/-]+\.js)';", RegexOptions.Multiline))
            {
                var target = folder + import.Groups[1].Value;
                if (!imported.Contains(target)) { imported.Add(target); pending.Enqueue(target); }
            }
        }
        var bundle = await http.GetStringAsync("/js/bundle.js", TestContext.Current.CancellationToken);
        var bundled = Regex.Matches(bundle, @"^// ([\w/-]+\.js)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        bundled.Should().BeEquivalentTo(imported, "the bundle holds each module the entry reaches, once");
        bundled.Last().Should().Be("app.js", "a module runs after the modules it imports, the entry last");
        bundle.Should().NotMatchRegex(@"(?m)^\s*import\s*[{\w]", "the modules' imports are resolved inside the bundle");
        bundle.Should().NotMatchRegex(@"(?m)^export\s", "the bundle is the page's script, not a library");
    }

    [Fact]
    public async Task StaticFilesCarryOnlyTheHeadersTheyNeed()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        using var script = await http.GetAsync("/js/bundle.js", TestContext.Current.CancellationToken);
        script.StatusCode.Should().Be(HttpStatusCode.OK);
        script.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
        script.Headers.Contains("Content-Security-Policy").Should().BeFalse("the policy governs documents and workers only");
        script.Headers.Contains("Referrer-Policy").Should().BeFalse("a script makes no navigation a referrer could leak from");
        script.Headers.Contains("Server").Should().BeFalse();
        script.Headers.ETag.Should().NotBeNull("an unchanged bundle costs a 304 on reload");

        using var page = await http.GetAsync("/", TestContext.Current.CancellationToken);
        page.Headers.GetValues("Referrer-Policy").Single().Should().Be("no-referrer", "links followed inside the chat tell the other site nothing");
        page.Headers.Contains("Server").Should().BeFalse();
    }

    [Fact]
    public async Task ConfigListsTheAllowedServersAndNoBrandingWhenNoneIsSet()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        var config = await http.GetFromJsonAsync<WebClientConfig>("/api/config", TestContext.Current.CancellationToken);

        config!.AllowedServers.Should().Equal(["irc.example.test:6697", "*.example.org:6697"], "an operator's list replaces the default one");
        config.NetworkName.Should().BeNull();
        config.DefaultServer.Should().Be("irc.example.test:6697");
        config.ShowServerField.Should().BeTrue("a wildcard entry leaves more than one server to pick");
        config.AutoConnect.Should().BeFalse();
        config.Languages.Should().Equal(["en", "de"], "the client's text tables in js/lang, English first");
    }

    [Fact]
    public async Task TheWorkerScriptCarriesThePolicyItRunsUnder()
    {
        using var http = new HttpClient { BaseAddress = gateway.Host.BaseAddress };
        using var response = await http.GetAsync(WebClientExtensions.WorkerPath, TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("connect-src 'self'");
    }

    [Fact]
    public void ALanguageIsOneTableFileInJsLang()
    {
        var root = Directory.CreateTempSubdirectory("ircstream-lang-");
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(root.FullName, "js", "lang"));
            foreach (var name in new[] { "en.js", "fr.js", "de.js", "pt-BR.js", "notes.txt", "Bad.js", "x.js" })
                File.WriteAllText(Path.Combine(folder.FullName, name), "export default {};");

            using var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(root.FullName);
            WebClientLanguages.In(files).Should().Equal("en", "de", "fr", "pt-BR");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ConfigCarriesTheOperatorsBrandingAndHidesTheServerFieldForOneServer()
    {
        await using var host = Api.Support.GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = "irc.example.net:6697",
            ["IrcStream:WebClient:NetworkName"] = "Example IRC",
            ["IrcStream:WebClient:Greeting"] = "Welcome!",
            ["IrcStream:WebClient:DefaultChannels:0"] = "#help",
            ["IrcStream:WebClient:NickFormat"] = "Guest???",
        }, asShipped: true);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await http.GetAsync("/api/config", TestContext.Current.CancellationToken);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var config = await response.Content.ReadFromJsonAsync<WebClientConfig>(TestContext.Current.CancellationToken);
        config!.AllowedServers.Should().Equal(["irc.example.net:6697"]);
        config.NetworkName.Should().Be("Example IRC");
        config.Greeting.Should().Be("Welcome!");
        config.DefaultChannels.Should().Equal(["#help"]);
        config.NickFormat.Should().Be("Guest???");
        config.ShowServerField.Should().BeFalse("exactly one server is allowed");
    }

    [Fact]
    public async Task FrameAncestorsListExactlyTheConfiguredOrigins()
    {
        await using var host = Api.Support.GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:WebClient:FrameAncestors:0"] = "https://www.example.org",
            ["IrcStream:WebClient:FrameAncestors:1"] = "http://localhost:8081",
            ["IrcStream:WebClient:LogoUrl"] = "https://cdn.example.org/logo.svg",
        });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await http.GetAsync("/", TestContext.Current.CancellationToken);
        var directives = response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries);
        directives.Should().Contain("frame-ancestors https://www.example.org http://localhost:8081");
        directives.Should().Contain("img-src 'self' https://cdn.example.org", "the logo may come from the operator's own site");
        directives.Should().Contain("script-src 'self'").And.Contain("connect-src 'self'");
    }

    [Fact]
    public async Task StaticFilesGoOutCompressedWithETags()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = gateway.Host.BaseAddress };
        foreach (var path in new[] { "/", "/js/state.js", "/css/app.css" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.ParseAdd("gzip, br");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentEncoding.Should().ContainSingle().Which.Should().BeOneOf(["gzip", "br"], path);
            response.Headers.ETag.Should().NotBeNull(path);
            response.Headers.CacheControl!.NoCache.Should().BeTrue($"{path}: revalidated, so a new client version is picked up on reload");
            // The policy governs documents and workers: a script or stylesheet carries it for nothing.
            response.Headers.Contains("Content-Security-Policy").Should().Be(path == "/", path);

            // Revalidated by ETag. Checked on the identity variant: the framework gives a compressed variant two
            // ETags and answers its If-None-Match with 200 (dotnet/aspnetcore#62685).
            using var plain = await http.GetAsync(path, TestContext.Current.CancellationToken);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(plain.Headers.ETag!);
            using var revalidated = await http.SendAsync(again, TestContext.Current.CancellationToken);
            revalidated.StatusCode.Should().Be(HttpStatusCode.NotModified, path);
        }
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

using System.Text.Json;
using Microsoft.Playwright;

namespace IrcStream.Tests.Web;

/// <summary>
/// A blank page on the gateway's origin with the client's stylesheet, where a test imports the client's ES
/// modules (served from wwwroot) and checks their logic in a real browser.
/// </summary>
public sealed class ModulePage : IAsyncDisposable
{
    private const string BlankPath = "__module-test.html";
    private const string BlankHtml = "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body></body></html>";

    private ModulePage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public static async Task<ModulePage> OpenAsync(IBrowser browser, Uri gateway)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var blank = new Uri(gateway, BlankPath).ToString();
        await page.RouteAsync(blank, route => route.FulfillAsync(new() { ContentType = "text/html", Body = BlankHtml }));
        await page.GotoAsync(blank);
        await page.WaitForLoadStateAsync(LoadState.Load);
        return new ModulePage(context, page);
    }

    /// <summary>Runs an async JS function body (it may <c>await import('/js/...')</c>) and returns its JSON result.</summary>
    public async Task<JsonElement> RunAsync(string functionBody)
    {
        var result = await Page.EvaluateAsync<JsonElement>($"async () => {{ {functionBody} }}");
        return result;
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

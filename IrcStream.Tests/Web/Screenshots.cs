using Microsoft.Playwright;

namespace IrcStream.Tests.Web;

/// <summary>Saves what the browser showed as a test artifact: TestResults/screenshots/{name}.png beside the test binaries, and attached to the test result.</summary>
public static class Screenshots
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        var bytes = await page.ScreenshotAsync(new() { Path = path, FullPage = false });
        TestContext.Current.AddAttachment(name + ".png", bytes, "image/png");
    }
}

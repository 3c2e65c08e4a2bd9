using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace IrcStream.Tests.Web;

/// <summary>axe-core on what the page shows now: no serious or critical finding.</summary>
public static class AxeChecks
{
    public static async Task ExpectNoSeriousViolationsAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")
            .ToList();
        serious.Should().BeEmpty($"axe-core checks {screen}");
    }
}

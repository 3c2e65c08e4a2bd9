using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Api;

/// <summary>A connection no browser has open is marked away after IrcStream:WebClient:AwayAfter, and back when one returns.</summary>
public sealed class AwayTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Waits until the fake connection has queued <paramref name="line"/> <paramref name="times"/> times; fails the test when it does not within 10 s.</summary>
    private static async Task SentAsync(FakeIrcConnection connection, string line, int times = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (connection.SentLines.Count(l => l == line) < times)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{line}' was queued {connection.SentLines.Count(l => l == line)} times, not {times}; the connection queued: {string.Join(" | ", connection.SentLines)}");
            await Task.Delay(20, Token);
        }
    }

    [Fact]
    public async Task AConnectionWithoutAReaderForAwayAfterIsMarkedAwayAndBackWhenAReaderReturns()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:WebClient:AwayAfter"] = "00:01:00",
            ["IrcStream:WebClient:AwayText"] = "Back soon",
        }, services: s => s.AddSingleton<TimeProvider>(time));
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var connection = host.Fakes![id];

        await using (var stream = await browser.OpenEventsAsync(id))
            (await stream.NextEventAsync()).Should().NotBeNull();
        var second = await browser.OpenEventsAsync(id);
        (await second.NextEventAsync()).Should().NotBeNull();
        await second.DisposeAsync();

        // The last reader's end is seen by the gateway a moment after the client lets go.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (host.Services.GetRequiredService<IrcStream.Api.Streaming.StreamLimits>().CountFor(id, "").Connection > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The gateway still counts an open stream 10 s after it was closed.");
            await Task.Delay(20, Token);
        }
        time.Advance(TimeSpan.FromSeconds(59));
        connection.SentLines.Should().NotContain(l => l.StartsWith("AWAY", StringComparison.Ordinal), "a minute has not passed");
        time.Advance(TimeSpan.FromSeconds(1));
        await SentAsync(connection, "AWAY :Back soon");

        await using var back = await browser.OpenEventsAsync(id);
        await SentAsync(connection, "AWAY");
        time.Advance(TimeSpan.FromMinutes(5));
        connection.SentLines.Count(l => l == "AWAY :Back soon").Should().Be(1, "a reader is open again");
    }
}

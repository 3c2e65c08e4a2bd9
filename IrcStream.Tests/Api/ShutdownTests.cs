using System.Diagnostics;
using System.Text.Json;
using IrcStream.Domain.Events;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StoppingTheGatewayQuitsEveryConnectionEndsStreamsWithClosedAndFinishesQuickly()
    {
        await using var host = GatewayHost.Start();
        var alice = host.NewBrowser();
        var bob = host.NewBrowser();
        var a = await alice.ConnectAsync(nick: "alice");
        var b = await bob.ConnectAsync(nick: "bob");
        await using var stream = await alice.OpenEventsAsync(a, lastEventId: 2);
        (await stream.NextAsync())!.Value.EventType.Should().Be("keepalive");

        var clock = Stopwatch.StartNew();
        var stopping = host.StopAsync();

        var closed = await stream.NextEventAsync();
        closed!.Value.EventType.Should().Be("status");
        JsonDocument.Parse(closed.Value.Data).RootElement.GetProperty("status").GetString().Should().Be(IrcStatus.Closed);
        (await stream.NextEventAsync()).Should().BeNull("the stream ends after CLOSED");

        await stopping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6), "the gateway exits within a few seconds");
        (await host.Fakes![a].Closed).Should().Be("Gateway shutting down");
        (await host.Fakes[b].Closed).Should().Be("Gateway shutting down");
        host.Fakes[b].SentLines.Should().ContainSingle(l => l.StartsWith("QUIT", StringComparison.Ordinal));
    }
}

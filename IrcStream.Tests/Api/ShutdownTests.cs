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

        var stopping = host.StopAsync();

        var closed = await stream.NextEventAsync();
        closed!.Value.EventType.Should().Be("status");
        JsonDocument.Parse(closed.Value.Data).RootElement.GetProperty("status").GetString().Should().Be(IrcStatus.Closed);
        (await stream.NextEventAsync()).Should().BeNull("the stream ends after CLOSED");

        // Well under the host's 30 s shutdown limit, with room for a loaded machine: a stop that hung on an
        // IRC connection or a stream would run into that limit instead.
        await stopping.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        (await host.Fakes![a].Closed).Should().Be("Gateway shutting down");
        (await host.Fakes[b].Closed).Should().Be("Gateway shutting down");
        host.Fakes[b].SentLines.Should().ContainSingle(l => l.StartsWith("QUIT", StringComparison.Ordinal));
    }
}

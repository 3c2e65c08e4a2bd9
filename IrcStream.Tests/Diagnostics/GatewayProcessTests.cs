using System.Net;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Diagnostics;

/// <summary>The published gateway as its own process: configured through the environment alone, as in a container.</summary>
public sealed class GatewayProcessTests
{
    private static readonly TimeSpan Patience = TestConnections.Timeout;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABadSettingStopsTheGatewayBeforeItListensNamingTheKey()
    {
        var start = () => GatewayProcess.StartAsync(new Dictionary<string, string> { ["IrcStream__Flood__Burst"] = "0" }, Token);
        var failure = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        failure.Message.Should().Contain("exited before listening")
            .And.Contain("OptionsValidationException")
            .And.Contain("IrcStream:Flood:Burst is 0; it accepts a whole number from 1 to 1000.");
    }

    [Fact]
    public async Task JsonConsoleLogsByConfigurationAloneCarryTheConnectionIdAsAField()
    {
        await using var server = FakeIrcServer.Start();
        await using var gateway = await GatewayProcess.StartAsync(new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{server.Port}",
        }, Token);
        using var browser = new Browser(gateway.BaseAddress);
        var id = await browser.ConnectAsync($"127.0.0.1:{server.Port}", nick: null);
        await server.AcceptAsync(Patience, Token);
        (await browser.Http.DeleteAsync($"/api/connections/{id}", Token)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var deadline = DateTime.UtcNow + Patience;
        JsonElement[] entries;
        while (true)
        {
            entries = [.. gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
            if (entries.Any(e => IsClosed(e, id))) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No JSON line for the closed connection within {Patience}:{Environment.NewLine}{gateway.Output}");
            await Task.Delay(50, Token);
        }
        var created = entries.Single(e => e.GetProperty("Message").GetString()!.StartsWith($"Connection {id} created", StringComparison.Ordinal));
        created.GetProperty("LogLevel").GetString().Should().Be("Information");
        created.GetProperty("Category").GetString().Should().Be("IrcStream.Api.Connections.ConnectionsApi");
        created.GetProperty("State").GetProperty("ConnectionId").GetString().Should().Be(id);
        created.GetProperty("State").GetProperty("Endpoint").GetString().Should().Be($"127.0.0.1:{server.Port}");
    }

    private static bool IsClosed(JsonElement entry, string id) =>
        entry.TryGetProperty("State", out var state) && state.TryGetProperty("ConnectionId", out var connection) && connection.GetString() == id
        && entry.GetProperty("Message").GetString()!.EndsWith(" closed", StringComparison.Ordinal);
}

using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>Surviving a real server's restart; each test starts its own InspIRCd, because it kills it.</summary>
public sealed class IrcConnectionRestartTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task AfterAnInspircdRestartItReconnectsAndRejoinsConfiguredAndUserJoinedChannels()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InspircdServer.StartAsync(ct);
        var configured = "#" + RawIrcClient.UniqueNick("conf");
        var later = "#" + RawIrcClient.UniqueNick("later");
        await using var connection = TestConnections.Create(server.Host, server.Port, RawIrcClient.UniqueNick("back"),
            configure: o => o with { Channels = [configured] });
        connection.Start();
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == configured, "the configured JOIN", Timeout, ct);
        connection.Send([$"JOIN {later}"]).Outcome.Should().Be(SendOutcome.Queued);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == later, "the user's JOIN", Timeout, ct);

        await server.RestartAsync(ct);

        var lost = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: lost.Seq);
        var again = await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct, after: lost.Seq);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == configured, "the configured rejoin", Timeout, ct, after: again.Seq);
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN" && m.Params[0] == later, "the user's rejoin", Timeout, ct, after: again.Seq);
        connection.Channels.Should().BeEquivalentTo([configured, later]);
        connection.State.Should().Be(ConnectionState.Connected);
    }
}

using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>cap-notify after the welcome: NEW caps are requested, ACK/NAK/DEL keep who records own messages right.</summary>
public sealed class IrcConnectionCapNotifyTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task NewEchoMessageIsRequestedAndOnceAckedOwnMessagesAreTheServersEchoOnceUntilItIsDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("me", ct, welcome: true);
        var (connection, peer) = fake;

        await peer.SendLinesAsync(ct, ":fake.server CAP me NEW :sasl=PLAIN echo-message unknown-cap");
        var request = await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        request.Params[^1].Should().Be("echo-message", "only wanted caps are requested, and never sasl after registration");

        // Written after the REQ and before its ACK: the server echoes it, so the gateway must not record it too.
        connection.Send(["PRIVMSG #c :in flight"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SendLinesAsync(ct, ":fake.server CAP me ACK :echo-message", ":me!m@h PRIVMSG #c :in flight");
        connection.Send(["PRIVMSG #c :after ack"]);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SendLinesAsync(ct, ":me!m@h PRIVMSG #c :after ack");
        await peer.SyncAsync(Timeout, ct);

        OwnPrivmsgs(connection, "in flight").Should().ContainSingle().Which.Message.Source.Should().Be("me!m@h");
        OwnPrivmsgs(connection, "after ack").Should().ContainSingle().Which.Message.Source.Should().Be("me!m@h");

        await peer.SendLinesAsync(ct, ":fake.server CAP me DEL :echo-message");
        await peer.SyncAsync(Timeout, ct);
        connection.Send(["PRIVMSG #c :after del"]);
        await connection.Events.WaitForMessageAsync(m => m.Params is [_, "after del"], "the gateway's own record", Timeout, ct);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SyncAsync(Timeout, ct);

        OwnPrivmsgs(connection, "after del").Should().ContainSingle().Which.Message.Source.Should().Be("me!m@h");
    }

    [Fact]
    public async Task AnOwnMessageWrittenWhileEchoMessageIsRequestedIsRecordedByTheGatewayWhenTheServerRefusesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("me", ct, welcome: true);
        var (connection, peer) = fake;

        await peer.SendLinesAsync(ct, ":fake.server CAP me NEW :echo-message batch");
        (await peer.WaitForAsync("CAP", Timeout, ct, "REQ")).Params[^1].Should().Be("echo-message batch");
        connection.Send(["PRIVMSG #c :pending"]);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SyncAsync(Timeout, ct);
        OwnPrivmsgs(connection, "pending").Should().BeEmpty("nobody knows yet whether the server echoes it");

        await peer.SendLinesAsync(ct, ":fake.server CAP me NAK :echo-message batch");

        var own = await connection.Events.WaitForMessageAsync(m => m.Params is [_, "pending"], "the held own message", Timeout, ct);
        own.Message.Source.Should().Be("me");
        await peer.SyncAsync(Timeout, ct);
        OwnPrivmsgs(connection, "pending").Should().ContainSingle();
    }

    [Fact]
    public async Task NewCapsAlreadyEnabledAreNotRequestedAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("me", ct);
        var (connection, peer) = fake;
        (await peer.NegotiateCapsAsync("server-time cap-notify", Timeout, ct)).Should().BeEquivalentTo("server-time", "cap-notify");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 me :Welcome");
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        await peer.SendLinesAsync(ct, ":fake.server CAP me NEW :server-time away-notify");

        (await peer.WaitForAsync("CAP", Timeout, ct, "REQ")).Params[^1].Should().Be("away-notify");
    }

    private static MessageEvent[] OwnPrivmsgs(IrcConnection connection, string text) =>
        connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>()
            .Where(m => m.Message is { Command: "PRIVMSG", Source: { } source } && source.StartsWith("me", StringComparison.Ordinal) && m.Message.Params[^1] == text)
            .ToArray();
}

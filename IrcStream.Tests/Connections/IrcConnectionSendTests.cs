using System.Globalization;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Connections;

/// <summary>Sending: validation before queueing, the bounded queue, flood control, the priority path, own messages.</summary>
public sealed class IrcConnectionSendTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task ABatchWithALineThatBreaksTheProtocolIsRefusedWholeWithItsIndex()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;

        var result = connection.Send(["PRIVMSG #c :fine", "PRIVMSG #c :two\r\nQUIT", "PRIVMSG #c :" + new string('a', 600)]);

        result.Outcome.Should().Be(SendOutcome.Invalid);
        result.LineIndex.Should().Be(1);
        result.Reason.Should().Contain("CR, LF or NUL");
        connection.Send(["PRIVMSG #c :ok", "PRIVMSG #c :" + new string('a', 600)]).LineIndex.Should().Be(1);
        connection.Send([""]).Outcome.Should().Be(SendOutcome.Invalid);
        connection.Send(["PRIVMSG #c :marker"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        peer.ReceivedLines.Should().Equal("PRIVMSG #c :marker");
    }

    [Fact]
    public async Task AFullQueueRefusesTheWholeBatchAndTakesOneThatFits()
    {
        var ct = TestContext.Current.CancellationToken;
        // One line may go out, then flood control holds the rest for ten minutes: the queue only fills.
        var settings = TestConnections.Settings with { SendQueueCapacity = 5, FloodBurst = 1, FloodInterval = TimeSpan.FromMinutes(10) };
        await using var fake = await FakeServerConnection.StartAsync(null, ct, settings: settings);
        var (connection, peer) = fake;
        connection.Send(["PRIVMSG #c :first"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);

        // The user's lines are numbered as they are queued: "first" is 1, these are 2-4; a refused request takes no numbers.
        connection.Send(["PRIVMSG #c :1", "PRIVMSG #c :2", "PRIVMSG #c :3"]).Should().Be(SendResult.Ok(3) with { LastNumber = 4 });
        var full = connection.Send(["PRIVMSG #c :4", "PRIVMSG #c :5", "PRIVMSG #c :6"]);
        full.Outcome.Should().Be(SendOutcome.QueueFull);
        full.Reason.Should().Contain("5");
        connection.Send(["PRIVMSG #c :4", "PRIVMSG #c :5"]).Should().Be(SendResult.Ok(2) with { LastNumber = 6 });
        connection.Send(["PRIVMSG #c :6"]).Outcome.Should().Be(SendOutcome.QueueFull);
    }

    [Fact]
    public async Task FloodControlLetsABurstGoThenOneLinePerInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(2);
        // The connection's clock is the test's: no line waits for real time, and none can come early.
        var settings = TestConnections.Settings with { FloodBurst = 3, FloodInterval = interval, Time = time, QuitWait = TimeSpan.Zero };
        await using var fake = await FakeServerConnection.StartAsync(null, ct, settings: settings);
        var (connection, peer) = fake;

        connection.Send([.. Enumerable.Range(1, 6).Select(i => $"PRIVMSG #c :{i}")]).Outcome.Should().Be(SendOutcome.Queued);
        for (var i = 0; i < 3; i++) await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SyncAsync(Timeout, ct);
        peer.ReceivedLines.Where(l => l.StartsWith("PRIVMSG", StringComparison.Ordinal)).Should().HaveCount(3, "the burst goes at once, the rest waits");

        for (var line = 4; line <= 6; line++)
        {
            time.Advance(interval - TimeSpan.FromMilliseconds(1));
            await peer.SyncAsync(Timeout, ct);
            peer.ReceivedLines.Should().NotContain($"PRIVMSG #c :{line}", "its slot is one interval after the one before");
            time.Advance(TimeSpan.FromMilliseconds(1));
            await peer.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == line.ToString(CultureInfo.InvariantCulture), Timeout, ct);
        }
        peer.ReceivedLines.Where(l => l.StartsWith("PRIVMSG", StringComparison.Ordinal)).Should().Equal(Enumerable.Range(1, 6).Select(i => $"PRIVMSG #c :{i}"));
    }

    [Fact]
    public async Task PongIsNeverHeldBehindUserLinesWaitingForFloodControl()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = TestConnections.Settings with { FloodBurst = 1, FloodInterval = TimeSpan.FromMinutes(10) };
        await using var fake = await FakeServerConnection.StartAsync(null, ct, settings: settings);
        var (connection, peer) = fake;
        connection.Send(["PRIVMSG #c :1", "PRIVMSG #c :2", "PRIVMSG #c :3"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);

        await peer.SendLinesAsync(ct, "PING :urgent");

        (await peer.WaitForAsync("PONG", Timeout, ct)).Params.Should().Equal("urgent");
        peer.ReceivedLines.Should().Equal("PRIVMSG #c :1", "PONG urgent");
    }

    [Fact]
    public async Task UserLinesWaitForTheWelcomeWhenTheGatewayRegisters()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("patient", ct);
        var (connection, peer) = fake;
        await peer.WaitForAsync("USER", Timeout, ct);

        connection.Send(["JOIN #early"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.SyncAsync(Timeout, ct);
        peer.ReceivedLines.Should().NotContain("JOIN #early");
        await peer.SendLinesAsync(ct, ":fake.server 001 patient :Welcome");

        await peer.WaitForAsync("JOIN", Timeout, ct, "#early");
    }

    [Fact]
    public async Task WithoutEchoMessageTheGatewayRecordsTheUsersOwnMessagesOnceWithItsSource()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("me", ct, welcome: true);
        var (connection, peer) = fake;

        connection.Send(["@+draft/reply=x1 PRIVMSG #c :hello there", "JOIN #c"]).Outcome.Should().Be(SendOutcome.Queued);
        var own = await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG", "the own PRIVMSG", Timeout, ct);
        own.Message.Source.Should().Be("me");
        own.Message.Params.Should().Equal("#c", "hello there");
        own.Message.Tags.Should().Contain("+draft/reply", "x1");

        await peer.WaitForAsync("JOIN", Timeout, ct);
        await peer.SendLinesAsync(ct, ":me!~me@gateway.example JOIN #c");
        await connection.Events.WaitForMessageAsync(m => m.Command == "JOIN", "the JOIN", Timeout, ct);
        connection.Send(["NOTICE #c :with a host now"]);
        var notice = await connection.Events.WaitForMessageAsync(m => m.Command == "NOTICE", "the own NOTICE", Timeout, ct);
        notice.Message.Source.Should().Be("me!~me@gateway.example");

        await peer.WaitForAsync("NOTICE", Timeout, ct);
        await peer.SyncAsync(Timeout, ct);
        connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Count(m => m.Message.Command is "PRIVMSG" or "NOTICE").Should().Be(2);
    }

    [Fact]
    public async Task WithEchoMessageOnlyTheServersEchoIsRecorded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("echoer", ct);
        var (connection, peer) = fake;
        await peer.WaitForAsync("CAP", Timeout, ct, "LS");
        await peer.SendLinesAsync(ct, ":fake.server CAP * LS :echo-message");
        await peer.WaitForAsync("CAP", Timeout, ct, "REQ");
        await peer.SendLinesAsync(ct, ":fake.server CAP * ACK :echo-message");
        await peer.WaitForAsync("CAP", Timeout, ct, "END");
        await peer.SendLinesAsync(ct, ":fake.server 001 echoer :Welcome");
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        connection.Send(["PRIVMSG #c :echo me"]);
        await peer.WaitForAsync("PRIVMSG", Timeout, ct);
        await peer.SendLinesAsync(ct, "@time=2026-11-25T17:00:00.000Z :echoer!e@h PRIVMSG #c :echo me");
        await peer.SyncAsync(Timeout, ct);

        var privmsgs = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().Where(m => m.Message.Command == "PRIVMSG").ToArray();
        privmsgs.Should().ContainSingle().Which.Message.Source.Should().Be("echoer!e@h");
        privmsgs[0].Time.Should().Be(new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero));
    }
}

using System.Text;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Connections;

/// <summary>What the connection makes of what a (scripted) server sends: every line an event, bad lines reported, nothing blocking.</summary>
public sealed class IrcConnectionReadingTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task LinesSplitAtEveryByteBoundaryBecomeWholeEventsWithServerTime()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] lines =
        [
            "@time=2026-11-25T17:00:00.123Z;msgid=abc :bob!b@host.example PRIVMSG #chan :héllo wörld 🎉",
            ":fake.server NOTICE * :second line, LF only",
            ":carol!c@h PRIVMSG #chan :third",
        ];
        var payload = Encoding.UTF8.GetBytes(lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n");
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;
        var before = DateTimeOffset.UtcNow;

        for (var i = 0; i < payload.Length; i++) await peer.SendBytesAsync(payload.AsMemory(i, 1), ct);

        await connection.Events.WaitForMessageAsync(m => m.Params is [_, "third"], "the third line", Timeout, ct);
        var messages = connection.Events.ReadDecodedAfter(0).OfType<MessageEvent>().ToArray();
        messages.Select(m => m.Message).Should().Equal(lines.Select(IrcMessage.Parse));
        messages[0].Time.Should().Be(new DateTimeOffset(2026, 11, 25, 17, 0, 0, 123, TimeSpan.Zero));
        messages[1].Time.Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task InvalidUtf8IsReadAsLatin1()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;

        byte[] latin1 = [.. ":old!o@h PRIVMSG #c :caf"u8, 0xE9, .. "\r\n"u8];
        await peer.SendBytesAsync(latin1, ct);

        var message = await connection.Events.WaitForMessageAsync(m => m.Command == "PRIVMSG", "the PRIVMSG", Timeout, ct);
        message.Message.Params[1].Should().Be("café");
    }

    [Fact]
    public async Task AnEndlessLineWithoutLfIsReportedAndTheConnectionGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;

        var chunk = Encoding.ASCII.GetBytes(new string('x', 4096));
        for (var i = 0; i < 64; i++) await peer.SendBytesAsync(chunk, ct);
        await peer.SendLinesAsync(ct, "", ":fake.server NOTICE * :after the flood");

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain("without ending the line");
        await connection.Events.WaitForMessageAsync(m => m.Params is [_, "after the flood"], "the line after the endless one", Timeout, ct);
        connection.Events.ReadDecodedAfter(0).OfType<StatusEvent>().Count(s => s.Status == IrcStatus.Error).Should().Be(1);
        connection.State.Should().Be(ConnectionState.Registering);
    }

    [Fact]
    public async Task AnOverlongLineIsAnErrorWithItsStartAndLengthAndTheConnectionGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;
        var overlong = ":bob!b@h PRIVMSG #c :" + string.Concat(Enumerable.Repeat("wörds ", IrcLimits.MaxIncomingLineBytes / 6));

        await peer.SendLinesAsync(ct, overlong, ":fake.server NOTICE * :after the long line");

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain(overlong[..IrcLineFramer.QuotedChars]).And.NotContain(overlong[..(IrcLineFramer.QuotedChars + 1)])
            .And.Contain($"{Encoding.UTF8.GetByteCount(overlong)} bytes");
        await connection.Events.WaitForMessageAsync(m => m.Params is [_, "after the long line"], "the next line", Timeout, ct, after: error.Seq);
    }

    [Fact]
    public async Task ALineThatIsNotAnIrcMessageIsAnErrorWithItsTextAndTheConnectionGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync(null, ct);
        var (connection, peer) = fake;

        await peer.SendLinesAsync(ct, "@only=tags", ":fake.server NOTICE * :still here");

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);
        error.Detail.Should().Contain("@only=tags");
        await connection.Events.WaitForMessageAsync(m => m.Params is [_, "still here"], "the next line", Timeout, ct, after: error.Seq);
    }

    [Fact]
    public async Task A100000LineFloodNobodyReadsKeepsTheLastEventsAndBlocksNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        const int count = 100_000;
        var settings = TestConnections.Settings with { EventBufferSize = 500 };
        await using var fake = await FakeServerConnection.StartAsync(null, ct, settings: settings);
        var (connection, peer) = fake;
        var connectedSeq = connection.Events.LastSeq;

        var batch = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            batch.Append(":fake.server NOTICE * :line ").Append(i).Append("\r\n");
            if (i % 5000 == 0)
            {
                await peer.SendBytesAsync(Encoding.ASCII.GetBytes(batch.ToString()), ct);
                batch.Clear();
            }
        }
        await peer.SendLinesAsync(ct, "PING :done");

        await peer.WaitForAsync("PONG", TimeSpan.FromSeconds(60), ct);
        var expectedLast = connectedSeq + count + 1;
        connection.Events.LastSeq.Should().Be(expectedLast, "every line is an event, the PING too");
        var retained = connection.Events.ReadDecodedAfter(0);
        retained[0].Should().BeOfType<GapEvent>().Which.To.Should().Be(expectedLast - 500);
        retained.Should().HaveCount(501);
        ((MessageEvent)retained[^2]).Message.Params[1].Should().Be($"line {count}");
        retained.Skip(1).Select(e => e.Seq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }
}

using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Events;

public sealed class EventLogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void AppendGivesSeqFromOneAndReadAfterReturnsLaterEventsInOrder()
    {
        var log = new EventLog(10);
        for (var i = 1; i <= 5; i++) log.Append(Status(i)).Seq.Should().Be(i);

        log.LastSeq.Should().Be(5);
        log.FirstRetainedSeq.Should().Be(1);
        log.ReadAfter(0).Select(e => e.Seq).Should().Equal(1, 2, 3, 4, 5);
        log.ReadAfter(2).Select(e => e.Seq).Should().Equal(3, 4, 5);
        log.ReadAfter(2, max: 2).Select(e => e.Seq).Should().Equal(3, 4);
        log.ReadAfter(5).Should().BeEmpty();
        log.ReadAfter(-3).Should().HaveCount(5);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    [InlineData(17)]
    public void ReadersSeeEveryEventWhileTheRingGrowsToItsCapacityAndThenWraps(int capacity)
    {
        var log = new EventLog(capacity);
        for (var i = 1; i <= capacity + 10; i++)
        {
            log.Append(Status(i));
            log.ReadAfter(i - 1).Select(e => e.Seq).Should().Equal(i);
            log.ReadDecodedAfter(0).First().Should().Match<GatewayEvent>(e => i <= capacity ? e.Seq == 1 : e is GapEvent);
        }

        log.FirstRetainedSeq.Should().Be(11);
        log.ReadAfter(10).Select(e => e.Seq).Should().Equal(Enumerable.Range(11, capacity).Select(s => (long)s));
    }

    [Fact]
    public void AnEmptyLogHasNothingToRead()
    {
        var log = new EventLog(3);

        log.LastSeq.Should().Be(0);
        log.FirstRetainedSeq.Should().Be(1);
        log.ReadAfter(0).Should().BeEmpty();
    }

    [Fact]
    public void WrapAroundKeepsTheLastCapacityEventsAndAGapMarksWhatWasDropped()
    {
        var log = new EventLog(4);
        for (var i = 1; i <= 10; i++) log.Append(Status(i));

        log.FirstRetainedSeq.Should().Be(7);
        var events = log.ReadDecodedAfter(2);

        var gap = events[0].Should().BeOfType<GapEvent>().Subject;
        (gap.From, gap.To, gap.Seq).Should().Be((3L, 6L, 6L));
        gap.Type.Should().Be("gap");
        events.Skip(1).Select(e => e.Seq).Should().Equal(7, 8, 9, 10);
        events.Skip(1).Cast<StatusEvent>().Select(e => e.Detail).Should().Equal("7", "8", "9", "10");
        log.ReadDecodedAfter(6).Should().NotContain(e => e is GapEvent, "a reader that resumes after the gap's seq continues without one");
        log.ReadDecodedAfter(0, max: 1).Should().ContainSingle().Which.Should().BeOfType<GapEvent>().Which.From.Should().Be(1);
    }

    [Fact]
    public async Task AWaiterWakesOnTheNextAppendAndAfterCompleteReturnsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new EventLog(4);
        log.Append(Status(1));
        (await log.WaitForEventsAfterAsync(0, ct)).Should().BeTrue("an event after 0 already exists");

        var waiting = log.WaitForEventsAfterAsync(1, ct).AsTask();
        waiting.IsCompleted.Should().BeFalse();
        log.Append(Status(2));
        (await waiting.WaitAsync(Timeout, ct)).Should().BeTrue();

        var afterEnd = log.WaitForEventsAfterAsync(2, ct).AsTask();
        log.Complete();
        (await afterEnd.WaitAsync(Timeout, ct)).Should().BeFalse();
        log.IsCompleted.Should().BeTrue();
        (await log.WaitForEventsAfterAsync(1, ct)).Should().BeTrue("retained events can still be read after completion");
    }

    [Fact]
    public async Task CancellingOneWaiterThrowsForItAndLeavesTheOthersWaiting()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new EventLog(4);
        using var cancel = new CancellationTokenSource();
        var cancelled = log.WaitForEventsAfterAsync(0, cancel.Token).AsTask();
        var other = log.WaitForEventsAfterAsync(0, ct).AsTask();

        await cancel.CancelAsync();

        await cancelled.Invoking(t => t.WaitAsync(Timeout, ct)).Should().ThrowAsync<OperationCanceledException>();
        other.IsCompleted.Should().BeFalse();
        log.Append(Status(1));
        (await other.WaitAsync(Timeout, ct)).Should().BeTrue();
    }

    [Fact]
    public async Task ConcurrentReadersSeeEveryEventOnceInOrderOrAGapWhileOneWriterAppends()
    {
        var ct = TestContext.Current.CancellationToken;
        const int total = 200_000;
        var log = new EventLog(64);
        var readers = Enumerable.Range(0, 4).Select(slow => Task.Run(() => ReadAllAsync(log, slowEvery: slow == 0 ? 0 : 100 * slow, ct), ct)).ToArray();

        var writer = Task.Run(() =>
        {
            for (var i = 1; i <= total; i++) log.Append(Status(i));
            log.Complete();
        }, ct);

        await writer.WaitAsync(Timeout, ct);
        var results = await Task.WhenAll(readers).WaitAsync(Timeout, ct);
        foreach (var (seen, gaps) in results)
        {
            (seen + gaps).Should().Be(total, "every seq is either read or reported in a gap");
        }
    }

    [Fact]
    public void EventsAReaderWasGivenStayReadableWhileTheLogLetsTheirSegmentsGo()
    {
        var log = new EventLog(10);
        for (var i = 1; i <= 10; i++) log.Append(Chat(i, length: 300));
        var given = log.ReadAfter(0);

        for (var i = 11; i <= 1000; i++) log.Append(Chat(i, length: 300));

        log.SegmentCount.Should().BeLessThanOrEqualTo(3, "ten retained events of ~400 bytes span at most three 4 KB segments");
        given.Select(e => e.Decode()).Cast<MessageEvent>().Select(e => e.Message.Params[1])
            .Should().Equal(Enumerable.Range(1, 10).Select(i => Text(i, 300)), "the bytes under a view never change");
    }

    [Fact]
    public void AReaderBehindReadsEveryEventAcrossManySegmentsAndTheLogLetsThemGoAsItReads()
    {
        var log = new EventLog(new EventLogLimits { MaxEvents = 10 });
        using var reader = log.OpenCursor(0);
        for (var i = 1; i <= 2000; i++) log.Append(Chat(i, length: 20 + i % 400));
        var segments = log.SegmentCount;
        segments.Should().BeGreaterThan(50, "2,000 events of ~450 bytes are held for the reader");

        var read = new List<MessageEvent>();
        while (reader.Read(150) is { Count: > 0 } batch)
        {
            read.AddRange(batch.Select(e => e.Decode()).Cast<MessageEvent>());
            log.SegmentCount.Should().BeLessThanOrEqualTo(segments, "what the reader has read goes");
            segments = log.SegmentCount;
        }

        read.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 2000).Select(s => (long)s));
        read.Select(e => e.Message.Params[1]).Should().Equal(Enumerable.Range(1, 2000).Select(i => Text(i, 20 + i % 400)));
        log.SegmentCount.Should().BeLessThanOrEqualTo(3, "only the retention's ten events are kept");
        log.HeldBytes.Should().Be(0);
    }

    [Fact]
    public void EventsLargerThanASegmentAreKeptWholeAndAResumeAfterAGapReadsThemBack()
    {
        var log = new EventLog(4);
        var hugeTags = new Dictionary<string, string> { ["+example/blob"] = new('+', 4000) };
        for (var i = 1; i <= 12; i++)
        {
            log.Append(i % 3 == 0
                ? new MessageEvent(new IrcMessage(hugeTags, "bob!b@host.example", "TAGMSG", ["#ircstream"]), DateTimeOffset.UtcNow)
                : Chat(i, length: 100));
        }

        var events = log.ReadDecodedAfter(5);

        events[0].Should().BeOfType<GapEvent>().Which.To.Should().Be(8);
        events.Skip(1).Select(e => e.Seq).Should().Equal(9, 10, 11, 12);
        ((MessageEvent)events[1]).Message.Tags.Should().BeEquivalentTo(hugeTags, "a 24 KB event, escaped, is read back whole");
        ((MessageEvent)events[3]).Message.Params[1].Should().Be(Text(11, 100));
        log.ReadAfter(8)[0].Json.Length.Should().BeGreaterThan(EventSegments.MaxSegmentBytes);
    }

    /// <summary>Reads to the end; checks order, payload and gap bounds; returns how many events were read and how many were in gaps.</summary>
    private static async Task<(long Seen, long Gaps)> ReadAllAsync(EventLog log, int slowEvery, CancellationToken ct)
    {
        long last = 0, seen = 0, gaps = 0;
        while (true)
        {
            var batch = log.ReadAfter(last, max: 50);
            foreach (var e in batch.Select(stored => stored.Decode()))
            {
                if (e is GapEvent gap)
                {
                    gap.From.Should().Be(last + 1);
                    gap.To.Should().BeGreaterThanOrEqualTo(gap.From);
                    gaps += gap.To - gap.From + 1;
                }
                else
                {
                    e.Seq.Should().Be(last + 1);
                    ((StatusEvent)e).Detail.Should().Be(e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    seen++;
                }
                last = e.Seq;
                if (slowEvery > 0 && last % slowEvery == 0) await Task.Yield();
            }
            if (batch.Count == 0 && !await log.WaitForEventsAfterAsync(last, ct)) return (seen, gaps);
        }
    }

    private static MessageEvent Chat(int n, int length) =>
        new(new IrcMessage(new Dictionary<string, string>(), "bob!b@host.example", "PRIVMSG", ["#ircstream", Text(n, length)]), DateTimeOffset.UtcNow);

    private static string Text(int n, int length) => $"{n}:".PadRight(length, (char)('a' + n % 26));

    private static StatusEvent Status(long n) =>
        new(IrcStatus.Connected, n.ToString(System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow);
}

using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Events;

/// <summary>Retention by count and bytes, and what the log holds beyond it for live readers that are behind.</summary>
public sealed class EventLogHoldTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheLogRetainsTheNewestEventsWithinTheByteBudgetAndAGapMarksTheRest()
    {
        var size = Event(1).RetainedBytes();
        var log = new EventLog(new EventLogLimits { MaxEvents = 1000, MaxBytes = size * 10 + size / 2 });

        for (var i = 1; i <= 25; i++) log.Append(Event(i));

        log.FirstRetainedSeq.Should().Be(16, "ten events of this size fit in the byte budget, the eleventh does not");
        log.RetainedBytes.Should().Be(size * 10);
        var events = log.ReadDecodedAfter(0);
        events[0].Should().BeOfType<GapEvent>().Which.To.Should().Be(15);
        events.Skip(1).Select(e => e.Seq).Should().Equal(Enumerable.Range(16, 10).Select(s => (long)s));
    }

    [Fact]
    public void TheNewestEventIsRetainedEvenWhenItAloneIsOverTheByteBudget()
    {
        var log = new EventLog(new EventLogLimits { MaxEvents = 10, MaxBytes = 1 });

        log.Append(Event(1));
        log.Append(Event(2));

        log.ReadAfter(1).Select(e => e.Seq).Should().Equal(2);
        log.FirstRetainedSeq.Should().Be(2);
    }

    [Fact]
    public void AnOpenReaderThatIsBehindGetsEveryEventAndTheLogTrimsBackOnceItCaughtUp()
    {
        var budget = new EventHoldBudget(1 << 20);
        var log = new EventLog(new EventLogLimits { MaxEvents = 10, HoldBudget = budget });
        using var reader = log.OpenCursor(0);

        for (var i = 1; i <= 100; i++) log.Append(Event(i));

        log.FirstRetainedSeq.Should().Be(1, "the reader has not read any of them yet");
        log.HeldBytes.Should().BeGreaterThan(0);
        budget.HeldBytes.Should().Be(log.HeldBytes);
        ReadAll(reader, 30).Select(e => e.Seq).Should().Equal(Enumerable.Range(1, 100).Select(s => (long)s), "nothing is lost to a live reader");

        log.FirstRetainedSeq.Should().Be(91, "once read, the log keeps only its retention");
        log.HeldBytes.Should().Be(0);
        budget.HeldBytes.Should().Be(0);
        log.ReadDecodedAfter(0)[0].Should().BeOfType<GapEvent>("a reader coming back from the start still gets the gap rule");
    }

    [Fact]
    public void AReaderFurtherBehindThanTheConnectionsHoldCapGetsAGapAndThenTheHeldEvents()
    {
        var size = Event(1).RetainedBytes();
        var log = new EventLog(new EventLogLimits { MaxEvents = 10, MaxHeldBytes = size * 20 });
        using var reader = log.OpenCursor(0);

        for (var i = 1; i <= 100; i++) log.Append(Event(i));

        log.HeldBytes.Should().BeLessThanOrEqualTo(size * 20);
        var events = ReadAll(reader, 1000).Select(e => e.Decode()).ToList();
        events[0].Should().BeOfType<GapEvent>().Which.Should().Match<GapEvent>(g => g.From == 1 && g.To == 70);
        events.Skip(1).Select(e => e.Seq).Should().Equal(Enumerable.Range(71, 30).Select(s => (long)s), "20 held and 10 retained");
    }

    [Fact]
    public void TheGatewayWideBudgetCapsWhatEveryLogHoldsTogether()
    {
        var size = Event(1).RetainedBytes();
        var budget = new EventHoldBudget(size * 30);
        var first = new EventLog(new EventLogLimits { MaxEvents = 10, HoldBudget = budget });
        var second = new EventLog(new EventLogLimits { MaxEvents = 10, HoldBudget = budget });
        using var firstReader = first.OpenCursor(0);
        using var secondReader = second.OpenCursor(0);

        for (var i = 1; i <= 30; i++) first.Append(Event(i));
        for (var i = 1; i <= 30; i++) second.Append(Event(i));

        budget.HeldBytes.Should().BeLessThanOrEqualTo(size * 30);
        first.FirstRetainedSeq.Should().Be(1, "the first log's 20 held events fit while it appended");
        second.FirstRetainedSeq.Should().Be(11, "the second log holds only what is left of the gateway's budget");
        secondReader.Read(1).Single().Decode().Should().BeOfType<GapEvent>().Which.To.Should().Be(10);
        ReadAll(firstReader, 100).Should().HaveCount(30);
        budget.HeldBytes.Should().Be(second.HeldBytes);
    }

    [Fact]
    public void DisposingTheLastOpenReaderLetsItsHeldEventsGo()
    {
        var budget = new EventHoldBudget(1 << 20);
        var log = new EventLog(new EventLogLimits { MaxEvents = 5, HoldBudget = budget });
        var reader = log.OpenCursor(0);
        for (var i = 1; i <= 50; i++) log.Append(Event(i));
        log.FirstRetainedSeq.Should().Be(1);

        reader.Dispose();

        log.FirstRetainedSeq.Should().Be(46);
        budget.HeldBytes.Should().Be(0);
    }

    [Fact]
    public void APollerThatKeepsComingBackLosesNothingAndOneThatStopsIsLetGoAfterTheGrace()
    {
        var time = new FakeTimeProvider(Start);
        var budget = new EventHoldBudget(1 << 20);
        var log = new EventLog(new EventLogLimits { MaxEvents = 10, HoldBudget = budget, PollerGrace = TimeSpan.FromSeconds(30) }, time);
        log.Append(Event(1));
        var since = log.Poll(0, max: 5)[^1].Seq;

        var received = new List<long> { since };
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 10; i++) log.Append(Event(log.LastSeq + 1));
            time.Advance(TimeSpan.FromSeconds(20));
            var batch = log.Poll(since, max: 5);
            batch.Should().NotContain(e => e.Type == EventTypes.Gap, "the poller came back within the grace each time");
            received.AddRange(batch.Select(e => e.Seq));
            since = batch[^1].Seq;
        }

        received.Should().Equal(Enumerable.Range(1, 51).Select(s => (long)s), "every event in order, the poller only slower than the writer");
        log.FirstRetainedSeq.Should().Be(47, "held for the poller: everything after where it last came back from");

        time.Advance(TimeSpan.FromSeconds(31));
        log.Append(Event(log.LastSeq + 1));
        log.FirstRetainedSeq.Should().Be(log.LastSeq - 9, "the poller stayed away past the grace, so only retention is kept");
        budget.HeldBytes.Should().Be(0);
    }

    [Fact]
    public void PollersOfOneConnectionAreTrackedEachByWhereTheyComeBack()
    {
        var time = new FakeTimeProvider(Start);
        var log = new EventLog(new EventLogLimits { MaxEvents = 5 }, time);
        for (var i = 1; i <= 5; i++) log.Append(Event(i));
        var slow = log.Poll(0, max: 2)[^1].Seq;
        var fast = log.Poll(0)[^1].Seq;

        for (var i = 6; i <= 20; i++) log.Append(Event(i));
        log.Poll(fast).Select(e => e.Seq).Should().Equal(Enumerable.Range(6, 15).Select(s => (long)s));

        log.Poll(slow).Select(e => e.Seq).Should().Equal(Enumerable.Range(3, 18).Select(s => (long)s),
            "the slow tab is held for although the fast one has read everything");
    }

    [Fact]
    public void CompletingTheLogForgetsItsPollersButNotItsOpenStreams()
    {
        var budget = new EventHoldBudget(1 << 20);
        var log = new EventLog(new EventLogLimits { MaxEvents = 5, HoldBudget = budget });
        using var stream = log.OpenCursor(0);
        log.Poll(0);
        for (var i = 1; i <= 20; i++) log.Append(Event(i));

        log.Complete();

        ReadAll(stream, 100).Should().HaveCount(20, "an open stream reads on to the end");
        budget.HeldBytes.Should().Be(0, "no poll can come back to a closed connection, and the stream has read everything");
    }

    [Fact]
    public void TheBufferShrinksBackAfterABurstHeldForAReader()
    {
        var log = new EventLog(new EventLogLimits { MaxEvents = 10 });
        using (var reader = log.OpenCursor(0))
        {
            for (var i = 1; i <= 5000; i++) log.Append(Event(i));
            ReadAll(reader, 256).Should().HaveCount(5000);
        }
        for (var i = 0; i < 20; i++) log.Append(Event(log.LastSeq + 1));

        log.SlotCount.Should().BeLessThanOrEqualTo(64, "an index sized for the burst is not kept");
        log.SegmentCount.Should().BeLessThanOrEqualTo(2, "the burst's segments went once no kept event was in them");
    }

    private static List<StoredEvent> ReadAll(IEventLogCursor reader, int batch)
    {
        var all = new List<StoredEvent>();
        while (reader.Read(batch) is { Count: > 0 } events) all.AddRange(events);
        return all;
    }

    private static MessageEvent Event(long n) =>
        new(IrcMessage.Parse($"@msgid=m{n % 10} :bob!b@host.example PRIVMSG #ircstream :line {n % 10}"), Start);
}

internal static class GatewayEventSizes
{
    /// <summary>What the event costs once stored with a two-digit seq, as the log counts it (the tests' events differ only in seq).</summary>
    public static long RetainedBytes(this GatewayEvent gatewayEvent)
    {
        gatewayEvent.Seq = 10;
        return StoredEvent.From(gatewayEvent).RetainedBytes;
    }
}

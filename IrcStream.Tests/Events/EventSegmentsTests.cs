using System.Runtime.InteropServices;
using CsCheck;
using IrcStream.Domain.Events;

namespace IrcStream.Tests.Events;

/// <summary>How a log packs its events' JSON into shared segments: what goes in comes out, and segments go when empty.</summary>
public sealed class EventSegmentsTests
{
    private const int Max = EventSegments.MaxSegmentBytes;

    [Fact]
    public void AQuietLogsFewEventsShareOneSmallSegment()
    {
        var events = new EventSegments(1);

        for (var i = 0; i < 4; i++) events.Add(EventTypes.Status, Json(i, 110));

        events.SegmentCount.Should().Be(1);
        events.MemoryBytes.Should().BeLessThan(1024, "four status events of ~110 bytes in a 512-byte segment, and a 16-entry index");
    }

    [Fact]
    public void TheCurrentSegmentGrowsByCopyingAndViewsOfTheOldArrayStayValid()
    {
        var events = new EventSegments(1);
        var first = events.Add(EventTypes.Message, Json(1, 300));

        for (var i = 2; i <= 12; i++) events.Add(EventTypes.Message, Json(i, 300));

        events.SegmentCount.Should().Be(1, "3,600 bytes fit in one segment grown from 512 bytes up to 4 KB");
        first.Json.ToArray().Should().Equal(Json(1, 300), "the view handed out first still reads the event it was given for");
        events[1].Json.ToArray().Should().Equal(Json(1, 300));
        MemoryMarshal.TryGetArray(events[1].Json, out var now).Should().BeTrue();
        MemoryMarshal.TryGetArray(first.Json, out var then).Should().BeTrue();
        now.Array.Should().NotBeSameAs(then.Array, "the segment grew into a new array");
    }

    [Fact]
    public void AnEventLargerThanASegmentGetsOneOfItsOwnAndTheSegmentBeforeItIsCutToWhatItHolds()
    {
        var events = new EventSegments(1);
        events.Add(EventTypes.Message, Json(1, 100));
        var huge = Json(2, 3 * Max);

        events.Add(EventTypes.Message, huge);
        events.Add(EventTypes.Message, Json(3, 100));

        events.SegmentCount.Should().Be(3);
        events[2].Json.ToArray().Should().Equal(huge);
        ArrayOf(events[2]).Length.Should().Be(huge.Length);
        ArrayOf(events[1]).Length.Should().Be(100, "the small first segment was sealed with most of its room unused, so it was cut down");
        events[3].Json.ToArray().Should().Equal(Json(3, 100));
    }

    [Fact]
    public void RemovingTheOldestLetsASegmentGoOnlyOnceNoKeptEventIsInIt()
    {
        var events = new EventSegments(1);
        for (var i = 1; i <= 100; i++) events.Add(EventTypes.Message, Json(i, 300));
        var segments = events.SegmentCount;
        var firstSegment = ArrayOf(events[1]);
        var inFirst = Enumerable.Range(1, 100).TakeWhile(s => ArrayOf(events[s]) == firstSegment).Count();

        for (var i = 1; i < inFirst; i++) events.RemoveOldest();
        events.SegmentCount.Should().Be(segments, "one event of the first segment is still kept");

        events.RemoveOldest();
        events.SegmentCount.Should().Be(segments - 1);
        events.FirstSeq.Should().Be(inFirst + 1);
    }

    [Fact]
    public void AnythingButAContractTypeOrEmptyJsonIsRefused()
    {
        var events = new EventSegments(1);

        FluentActions.Invoking(() => events.Add("keepalive", Json(1, 50))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => events.Add(EventTypes.Message, [])).Should().Throw<ArgumentException>();
        events.Count.Should().Be(0);
    }

    /// <summary>
    /// Any run of adds (small, segment-sized and huge events) and removals of the oldest: every kept event reads back
    /// its bytes, type and seq; every view handed out earlier still reads what it was given; a segment is held only
    /// while a kept event is in it; and what the segments hold beyond the kept events is bounded.
    /// </summary>
    [Fact]
    public void WhatIsAddedReadsBackAcrossSegmentBoundariesAndHandedOutViewsNeverChange()
    {
        var size = Gen.Frequency((8, Gen.Int[20, 600]), (2, Gen.Int[600, Max]), (1, Gen.Int[Max, 3 * Max]));
        var step = Gen.Frequency((3, size.Select(n => (Add: true, N: n))), (1, Gen.Int[1, 40].Select(n => (Add: false, N: n))));
        step.Array[1, 60].Sample(steps =>
        {
            var events = new EventSegments(7);
            var model = new List<(long Seq, string Type, byte[] Json)>();
            var handedOut = new List<(StoredEvent View, byte[] Json)>();
            foreach (var (add, n) in steps)
            {
                if (add)
                {
                    var seq = events.NextSeq;
                    var type = seq % 5 == 0 ? EventTypes.Status : EventTypes.Message;
                    var json = Json(seq, n);
                    var view = events.Add(type, json);
                    view.Seq.Should().Be(seq);
                    model.Add((seq, type, json));
                    handedOut.Add((view, json));
                }
                else
                {
                    for (var i = 0; i < n && model.Count > 0; i++)
                    {
                        handedOut.Add((events[model[0].Seq], model[0].Json));
                        events.RemoveOldest();
                        model.RemoveAt(0);
                    }
                }

                events.Count.Should().Be(model.Count);
                foreach (var (seq, type, json) in model)
                {
                    var kept = events[seq];
                    (kept.Seq, kept.Type).Should().Be((seq, type));
                    kept.Json.Span.SequenceEqual(json).Should().BeTrue("event {0} reads back its bytes", seq);
                }
                foreach (var (view, json) in handedOut) view.Json.Span.SequenceEqual(json).Should().BeTrue("the view of {0} never changes", view.Seq);

                var segmentsInUse = model.Select(e => ArrayOf(events[e.Seq])).Distinct().Count();
                events.SegmentCount.Should().Be(segmentsInUse, "a segment is held only while a kept event is in it");
                // Beyond the kept events' JSON: the oldest segment's dropped part, the current one's room, the sealed ones' last
                // bits (at most an eighth each), array headers, the index and the segments' ring (at most four slots a segment).
                var slack = 2 * Max + events.SegmentCount * (Max / 8 + 24) + events.IndexSlots * EventSegments.EntryBytes + 48 + (4 * events.SegmentCount + 4) * 16;
                events.MemoryBytes.Should().BeLessThanOrEqualTo(model.Sum(e => (long)e.Json.Length) + slack);
            }
        }, iter: 100, threads: 1);
    }

    /// <summary>A stand-in for an event's JSON: <paramref name="length"/> bytes that differ from event to event.</summary>
    private static byte[] Json(long seq, int length)
    {
        var json = new byte[length];
        for (var i = 0; i < length; i++) json[i] = (byte)('a' + (seq * 7 + i) % 26);
        return json;
    }

    private static byte[] ArrayOf(StoredEvent stored) =>
        MemoryMarshal.TryGetArray(stored.Json, out var segment) ? segment.Array! : throw new InvalidOperationException("Not an array.");
}

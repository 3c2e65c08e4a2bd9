using System.Numerics;

namespace IrcStream.Domain.Events;

/// <summary>
/// The JSON of a log's events, oldest first with consecutive seqs, packed into shared byte segments with a compact
/// index, instead of an object and an array per event. Appending copies the JSON to the end of the current segment;
/// removing the oldest event lets its segment go once no kept event is in it.
/// </summary>
/// <remarks>
/// The current segment starts small and grows by doubling (a copy) up to <see cref="MaxSegmentBytes"/>, well below
/// the large-object heap; when the next event does not fit it is sealed and the next segment starts. An event larger
/// than a segment gets one of its own. Bytes once written never change, in any array: a grown segment's old array
/// keeps what it had, so slices handed to readers stay valid whatever the log does afterwards.
/// </remarks>
internal sealed class EventSegments
{
    /// <summary>What one event's index entry takes: its offset and length in its segment and its type's code (padded to 12).</summary>
    public const int EntryBytes = 12;

    /// <summary>The first segment of a log: a quiet connection's few status events fit.</summary>
    public const int FirstSegmentBytes = 512;

    /// <summary>
    /// The largest shared segment: about a dozen channel lines, far below the large-object heap (85,000 bytes). Small, as a
    /// log that goes quiet holds on average half a segment unused at its end and half a segment of dropped events at its start.
    /// </summary>
    public const int MaxSegmentBytes = 4 * 1024;

    // An array's header (object header, method table, length) and a Segment's slot in its ring.
    private const int ArrayHeaderBytes = 24;
    private const int SegmentSlotBytes = 16;

    private static readonly string[] TypeNames = [EventTypes.Message, EventTypes.Status, EventTypes.Gap];

    // entry i is the event with seq FirstSeq + i; segments hold them in seq order, the last one is being written.
    private readonly Ring<Entry> _entries = new(16);
    private readonly Ring<Segment> _segments = new(4);
    private int _currentUsed;

    /// <param name="firstSeq">The seq the first event added will have.</param>
    public EventSegments(long firstSeq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        FirstSeq = firstSeq;
    }

    /// <summary>The seq of the oldest event kept; the seq the next one gets when none is.</summary>
    public long FirstSeq { get; private set; }

    public int Count => _entries.Count;

    public long NextSeq => FirstSeq + Count;

    /// <summary>The length of the index's slot array, for tests of how it grows and shrinks.</summary>
    public int IndexSlots => _entries.SlotCount;

    public int SegmentCount => _segments.Count;

    /// <summary>
    /// What is held on the heap for the events: every segment's whole array (the current one's unused room and the
    /// dropped events still in the oldest included) and the index; for tests that bound it.
    /// </summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = ArrayHeaderBytes + (long)_entries.SlotCount * EntryBytes + ArrayHeaderBytes + (long)_segments.SlotCount * SegmentSlotBytes;
            for (var i = 0; i < _segments.Count; i++) bytes += ArrayHeaderBytes + _segments[i].Bytes.Length;
            return bytes;
        }
    }

    /// <summary>Adds the event with seq <see cref="NextSeq"/>; its JSON is copied.</summary>
    public StoredEvent Add(string type, ReadOnlySpan<byte> json)
    {
        var code = Array.IndexOf(TypeNames, type);
        if (code < 0) throw new ArgumentException($"'{type}' is not an event type of the contract.", nameof(type));
        if (json.IsEmpty) throw new ArgumentException("An event's JSON is never empty.", nameof(json));

        var seq = NextSeq;
        var segment = MakeRoom(seq, json.Length);
        json.CopyTo(segment.AsSpan(_currentUsed));
        var entry = new Entry(_currentUsed, json.Length, (byte)code);
        _currentUsed += json.Length;
        _entries.Add(entry);
        return new StoredEvent(seq, TypeNames[code], new ReadOnlyMemory<byte>(segment, entry.Offset, entry.Length));
    }

    /// <summary>The kept event with seq <paramref name="seq"/>.</summary>
    public StoredEvent this[long seq]
    {
        get
        {
            var entry = EntryOf(seq);
            return new StoredEvent(seq, TypeNames[entry.Type], new ReadOnlyMemory<byte>(SegmentOf(seq).Bytes, entry.Offset, entry.Length));
        }
    }

    /// <summary>What the kept event <paramref name="seq"/> counts for (<see cref="StoredEvent.RetainedBytes"/>), without finding its segment.</summary>
    public int RetainedBytesOf(long seq) => EntryOf(seq).Length + EntryBytes;

    /// <summary>Drops the oldest event, and its segment once no kept event is in it.</summary>
    public void RemoveOldest()
    {
        if (Count == 0) throw new InvalidOperationException("No event is kept.");
        _entries.RemoveFirst();
        FirstSeq++;
        if (Count == 0)
        {
            _segments.Clear();
            return;
        }
        // The oldest segment goes once the next one starts at or before the oldest kept event.
        if (_segments.Count > 1 && _segments[1].FirstSeq <= FirstSeq) _segments.RemoveFirst();
    }

    /// <summary>The segment the event <paramref name="seq"/> of <paramref name="length"/> bytes is written to, at <see cref="_currentUsed"/>.</summary>
    private byte[] MakeRoom(long seq, int length)
    {
        if (_segments.Count > 0)
        {
            ref var current = ref _segments.Last;
            if (_currentUsed + length <= current.Bytes.Length) return current.Bytes;
            if (_currentUsed + length <= MaxSegmentBytes)
            {
                // Grown by a copy: the old array keeps its bytes for any reader holding a slice of it.
                var grown = new byte[SizeFor(_currentUsed + length)];
                current.Bytes.AsSpan(0, _currentUsed).CopyTo(grown);
                current = current with { Bytes = grown };
                return grown;
            }
            Seal(ref current);
        }
        // After a full segment the log is busy: the next starts at the largest size, so a firehose neither copies nor allocates twice.
        var size = length > MaxSegmentBytes ? length : _segments.Count > 0 ? MaxSegmentBytes : SizeFor(length);
        _segments.Add(new Segment(new byte[size], seq));
        _currentUsed = 0;
        return _segments.Last.Bytes;
    }

    /// <summary>A segment closed with much room left (a huge event came next) is copied down to what it holds.</summary>
    private void Seal(ref Segment current)
    {
        if (current.Bytes.Length - _currentUsed > current.Bytes.Length / 8) current = current with { Bytes = current.Bytes.AsSpan(0, _currentUsed).ToArray() };
    }

    private static int SizeFor(int length) => Math.Min(MaxSegmentBytes, Math.Max(FirstSegmentBytes, (int)BitOperations.RoundUpToPowerOf2((uint)length)));

    private Entry EntryOf(long seq)
    {
        if (seq < FirstSeq || seq >= NextSeq) throw new ArgumentOutOfRangeException(nameof(seq), seq, $"Kept events are {FirstSeq}..{NextSeq - 1}.");
        return _entries[(int)(seq - FirstSeq)];
    }

    /// <summary>The last segment that starts at or before <paramref name="seq"/> (a binary search: segments are in seq order).</summary>
    private Segment SegmentOf(long seq)
    {
        int low = 0, high = _segments.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_segments[middle].FirstSeq <= seq) low = middle;
            else high = middle - 1;
        }
        return _segments[low];
    }

    private readonly record struct Entry(int Offset, int Length, byte Type);

    private readonly record struct Segment(byte[] Bytes, long FirstSeq);
}

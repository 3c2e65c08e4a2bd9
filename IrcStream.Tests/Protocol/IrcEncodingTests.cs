using System.Buffers;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcEncodingTests
{
    public static TheoryData<byte[], string> Lines => new()
    {
        { "PRIVMSG #c :hello"u8.ToArray(), "PRIVMSG #c :hello" },
        { "PRIVMSG #c :café ☕ 😀"u8.ToArray(), "PRIVMSG #c :café ☕ 😀" },
        { [.. "PRIVMSG #c :caf"u8, 0xE9], "PRIVMSG #c :café" },
        // One invalid byte makes the whole line Latin-1, the valid UTF-8 "é" (C3 A9) included.
        { [.. "PRIVMSG #c :"u8, 0xC3, 0xA9, (byte)' ', 0xE9], "PRIVMSG #c :Ã© é" },
        // A UTF-8 sequence cut short is not UTF-8.
        { [.. "x "u8, 0xE2, 0x98], "x â\u0098" },
        { [.. "x"u8, (byte)'\r'], "x" },
        { [(byte)'\r'], "" },
        { [], "" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void DecodesUtf8WhenValidAndOtherwiseTheWholeLineAsLatin1(byte[] bytes, string expected)
    {
        IrcEncoding.Decode(bytes).Should().Be(expected);
        IrcEncoding.Decode(new ReadOnlySequence<byte>(bytes)).Should().Be(expected);
        IrcEncoding.Decode(bytes).Should().NotContain("\uFFFD");
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void DecodesALineHeldInSeveralSegmentsLikeOneInOne(byte[] bytes, string expected)
    {
        for (var split = 0; split <= bytes.Length; split++)
        {
            IrcEncoding.Decode(Segments.Of(bytes[..split], bytes[split..])).Should().Be(expected, "split at {0}", split);
        }
    }

    [Fact]
    public void DecodesALongMultiSegmentLine()
    {
        var text = "PRIVMSG #c :" + string.Concat(Enumerable.Repeat("é😀", 500));
        var bytes = Encoding.UTF8.GetBytes(text);

        IrcEncoding.Decode(Segments.Of(bytes[..1001], bytes[1001..2003], bytes[2003..])).Should().Be(text);
    }
}

/// <summary>Builds multi-segment sequences, the shape a pipe hands over when a line spans reads.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 1) return new ReadOnlySequence<byte>(parts[0]);
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts[1..]) last = last.Append(part);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

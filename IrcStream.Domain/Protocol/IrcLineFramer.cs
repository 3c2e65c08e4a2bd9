using System.Buffers;

namespace IrcStream.Domain.Protocol;

/// <summary>What the framer found in the buffer.</summary>
public enum FrameResult
{
    /// <summary>No complete line yet: read more.</summary>
    NeedMoreData,
    /// <summary>A line was decoded.</summary>
    Line,
    /// <summary>A line over the limit was dropped; <see cref="IrcLineFramer.LastError"/> says so in words and quotes its start.</summary>
    TooLong,
}

/// <summary>
/// Cuts a byte stream (a <see cref="System.IO.Pipelines.PipeReader"/>'s buffer) into IRC lines: LF ends a line,
/// a CR before it is dropped, empty lines are skipped, and a line split across reads is joined because the
/// caller leaves the unconsumed part in the pipe. Bounded: once more than one line's limit
/// (<see cref="IrcLimits.MaxIncomingLineBytes"/>) is buffered without an LF, the bytes are dropped up to the
/// next LF, so a peer that never sends LF cannot make memory grow. Of a dropped line only its first
/// <see cref="QuotedChars"/> characters are kept, in <see cref="LastError"/>.
/// Not thread-safe: one per reading loop.
/// </summary>
/// <example>
/// <code>
/// var result = await reader.ReadAsync(ct);
/// var buffer = result.Buffer;
/// FrameResult r;
/// while ((r = framer.TryReadLine(ref buffer, out var line)) != FrameResult.NeedMoreData) { ... }
/// reader.AdvanceTo(buffer.Start, buffer.End);
/// </code>
/// </example>
public sealed class IrcLineFramer
{
    /// <summary>The most bytes a line may hold before its CR-LF.</summary>
    private const int MaxContentBytes = IrcLimits.MaxIncomingLineBytes - 2;

    /// <summary>How much of a dropped line <see cref="LastError"/> quotes: enough to recognise it, and a fixed cost however long it was.</summary>
    public const int QuotedChars = 200;

    /// <summary>Bytes that always hold <see cref="QuotedChars"/> characters: UTF-8 takes at most 4 bytes for one.</summary>
    private const int QuotedBytes = QuotedChars * 4;

    private bool _discardingOverlongLine;

    /// <summary>Why the last <see cref="FrameResult.TooLong"/> was returned, with the start of the dropped line; null until one was.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Takes the next line from <paramref name="buffer"/>, advancing it past what was consumed.
    /// Call again while it returns something other than <see cref="FrameResult.NeedMoreData"/>;
    /// <paramref name="line"/> is set only with <see cref="FrameResult.Line"/>.
    /// </summary>
    public FrameResult TryReadLine(ref ReadOnlySequence<byte> buffer, out string? line)
    {
        line = null;
        while (true)
        {
            ReadOnlySequence<byte> lineBytes;
            if (buffer.FirstSpan.IndexOf((byte)'\n') is var inFirst and >= 0)
            {
                lineBytes = buffer.Slice(0, inFirst);
                buffer = buffer.Slice(inFirst + 1);
            }
            else if (buffer.IsSingleSegment || buffer.PositionOf((byte)'\n') is not { } newline)
            {
                if (_discardingOverlongLine)
                {
                    buffer = buffer.Slice(buffer.End);
                }
                else if (ContentLength(buffer) > MaxContentBytes)
                {
                    var tooLong = TooLong(buffer, complete: false);
                    buffer = buffer.Slice(buffer.End);
                    _discardingOverlongLine = true;
                    return tooLong;
                }
                return FrameResult.NeedMoreData;
            }
            else
            {
                lineBytes = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
            }

            if (_discardingOverlongLine)
            {
                _discardingOverlongLine = false;
                continue;
            }
            if (ContentLength(lineBytes) > MaxContentBytes) return TooLong(lineBytes, complete: true);

            line = IrcEncoding.Decode(lineBytes);
            if (line.Length == 0) continue;
            return FrameResult.Line;
        }
    }

    private FrameResult TooLong(in ReadOnlySequence<byte> line, bool complete)
    {
        var quote = Quote(line);
        LastError = complete
            ? $"The server sent a line of {ContentLength(line)} bytes; IRC allows at most {MaxContentBytes}. It was dropped; it began: {quote}"
            : $"The server sent over {MaxContentBytes} bytes without ending the line; the line is dropped. It began: {quote}";
        return FrameResult.TooLong;
    }

    /// <summary>
    /// The first <see cref="QuotedChars"/> characters of <paramref name="line"/>, decoded by the rule of
    /// <see cref="IrcEncoding"/> applied to its first <see cref="QuotedBytes"/> bytes (the rest is never read).
    /// </summary>
    private static string Quote(in ReadOnlySequence<byte> line)
    {
        Span<byte> bytes = stackalloc byte[QuotedBytes];
        var length = (int)Math.Min(line.Length, QuotedBytes);
        line.Slice(0, length).CopyTo(bytes);
        var prefix = bytes[..length];
        // A character cut in two by the prefix would make valid UTF-8 look invalid and turn the quote into Latin-1.
        if (length < line.Length) prefix = prefix[..WholeUtf8Length(prefix)];
        var text = IrcEncoding.Decode(prefix);
        if (text.Length <= QuotedChars) return text;
        return text[..(char.IsHighSurrogate(text[QuotedChars - 1]) ? QuotedChars - 1 : QuotedChars)];
    }

    /// <summary>The length of <paramref name="bytes"/> without a UTF-8 sequence left incomplete at its end.</summary>
    private static int WholeUtf8Length(ReadOnlySpan<byte> bytes)
    {
        var lead = bytes.Length - 1;
        while (lead >= 0 && bytes.Length - lead <= 3 && (bytes[lead] & 0xC0) == 0x80) lead--;
        if (lead < 0) return bytes.Length;
        var sequence = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : bytes[lead] >= 0xC0 ? 2 : 1;
        return bytes.Length - lead < sequence ? lead : bytes.Length;
    }

    /// <summary>The bytes before a trailing CR, which belongs to the line ending.</summary>
    private static long ContentLength(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty) return 0;
        var last = bytes.IsSingleSegment ? bytes.FirstSpan[^1] : bytes.Slice(bytes.Length - 1).FirstSpan[0];
        return last == (byte)'\r' ? bytes.Length - 1 : bytes.Length;
    }
}

using System.Buffers;

namespace IrcStream.Domain.Protocol;

/// <summary>What the framer found in the buffer.</summary>
public enum FrameResult
{
    /// <summary>No complete line yet: read more.</summary>
    NeedMoreData,
    /// <summary>A line was decoded.</summary>
    Line,
    /// <summary>A line over the limit was dropped; <see cref="IrcLineFramer.LastError"/> says so in words.</summary>
    TooLong,
}

/// <summary>
/// Cuts a byte stream (a <see cref="System.IO.Pipelines.PipeReader"/>'s buffer) into IRC lines: LF ends a line,
/// a CR before it is dropped, empty lines are skipped, and a line split across reads is joined because the
/// caller leaves the unconsumed part in the pipe. Bounded: once more than one line's limit
/// (<see cref="IrcLimits.MaxIncomingLineBytes"/>) is buffered without an LF, the bytes are dropped up to the
/// next LF, so a peer that never sends LF cannot make memory grow.
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

    private bool _discardingOverlongLine;

    /// <summary>Why the last <see cref="FrameResult.TooLong"/> was returned; null until one was.</summary>
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
                    buffer = buffer.Slice(buffer.End);
                    _discardingOverlongLine = true;
                    return TooLong(0, complete: false);
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
            if (ContentLength(lineBytes) > MaxContentBytes) return TooLong(lineBytes.Length, complete: true);

            line = IrcEncoding.Decode(lineBytes);
            if (line.Length == 0) continue;
            return FrameResult.Line;
        }
    }

    private FrameResult TooLong(long bytes, bool complete)
    {
        LastError = complete
            ? $"The server sent a line of {bytes} bytes; IRC allows at most {MaxContentBytes}. It was dropped."
            : $"The server sent over {MaxContentBytes} bytes without ending the line; the line is dropped.";
        return FrameResult.TooLong;
    }

    /// <summary>The bytes before a trailing CR, which belongs to the line ending.</summary>
    private static long ContentLength(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty) return 0;
        var last = bytes.IsSingleSegment ? bytes.FirstSpan[^1] : bytes.Slice(bytes.Length - 1).FirstSpan[0];
        return last == (byte)'\r' ? bytes.Length - 1 : bytes.Length;
    }
}

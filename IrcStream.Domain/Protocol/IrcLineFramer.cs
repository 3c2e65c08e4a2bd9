using System.Buffers;
using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>What the framer found in the buffer.</summary>
public enum FrameResult
{
    /// <summary>No complete line yet: read more.</summary>
    NeedMoreData,
    /// <summary>A line was decoded.</summary>
    Line,
    /// <summary>A line over <see cref="IrcLimits.MaxIncomingLineBytes"/> was dropped; the error says so.</summary>
    TooLong,
}

/// <summary>
/// Cuts a byte stream into IRC lines: LF ends a line, a CR before it is dropped, empty lines are skipped.
/// Bounded: a peer that never sends LF makes it drop bytes, never hold more than one line's limit.
/// Not thread-safe: one per reading loop.
/// </summary>
public sealed class IrcLineFramer
{
    private bool _discardingOverlongLine;

    /// <summary>
    /// Takes the next line from <paramref name="buffer"/>, advancing it past what was consumed.
    /// Call again while it returns something other than <see cref="FrameResult.NeedMoreData"/>.
    /// </summary>
    public FrameResult TryReadLine(ref ReadOnlySequence<byte> buffer, out string? line)
    {
        line = null;
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is null)
            {
                if (buffer.Length > IrcLimits.MaxIncomingLineBytes)
                {
                    buffer = buffer.Slice(buffer.End);
                    if (!_discardingOverlongLine)
                    {
                        _discardingOverlongLine = true;
                        return FrameResult.TooLong;
                    }
                }
                return FrameResult.NeedMoreData;
            }

            var lineBytes = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            if (_discardingOverlongLine)
            {
                _discardingOverlongLine = false;
                continue;
            }
            if (lineBytes.Length > IrcLimits.MaxIncomingLineBytes)
            {
                return FrameResult.TooLong;
            }
            line = IrcEncoding.Decode(lineBytes);
            if (line.Length == 0) continue;
            return FrameResult.Line;
        }
    }
}

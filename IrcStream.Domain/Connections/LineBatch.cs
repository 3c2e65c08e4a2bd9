using System.Buffers;
using System.Text;

namespace IrcStream.Domain.Connections;

/// <summary>
/// Lines for one socket write, encoded as UTF-8 with CR-LF into a pooled buffer that is returned once written:
/// a long queue goes out in a few large writes, and an idle connection (most of them) holds no write buffer.
/// </summary>
internal sealed class LineBatch : IDisposable
{
    /// <summary>A batch takes lines until it holds this much.</summary>
    private const int TargetBytes = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(TargetBytes);
    private int _length;

    public bool IsFull => _length >= TargetBytes;

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <summary>The user's lines in the batch, for the metrics; the rest are the gateway's.</summary>
    public int FromUser { get; private set; }

    public int FromGateway { get; private set; }

    /// <summary>The number of the last user line in the batch (0 when it has none).</summary>
    public long LastUserNumber { get; private set; }

    /// <summary>Appends the line and CR-LF, swapping in a larger pooled buffer when it does not fit.</summary>
    public void Add(OutgoingLine line)
    {
        var needed = _length + Encoding.UTF8.GetByteCount(line.Text) + 2;
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(needed);
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        _length += Encoding.UTF8.GetBytes(line.Text, _buffer.AsSpan(_length));
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        if (line.FromUser)
        {
            FromUser++;
            LastUserNumber = Math.Max(LastUserNumber, line.Number);
        }
        else FromGateway++;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}

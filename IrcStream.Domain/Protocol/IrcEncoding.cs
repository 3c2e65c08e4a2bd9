using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// Decodes received lines: valid UTF-8 is UTF-8, anything else is the whole line as Latin-1
/// (so old clients' <c>caf\xe9</c> reads as "café" and nothing ever becomes U+FFFD).
/// </summary>
public static class IrcEncoding
{
    private const int MaxStackBytes = 1024;

    /// <summary>Decodes one line without its LF; a trailing CR is dropped.</summary>
    public static string Decode(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return Decode(line.FirstSpan);
        var length = checked((int)line.Length);
        byte[]? rented = null;
        var bytes = length <= MaxStackBytes ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        line.CopyTo(bytes);
        var text = Decode(bytes);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return text;
    }

    /// <summary>Decodes one line without its LF; a trailing CR is dropped.</summary>
    public static string Decode(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        if (line.IsEmpty) return string.Empty;
        return Utf8.IsValid(line) ? Encoding.UTF8.GetString(line) : Encoding.Latin1.GetString(line);
    }
}

using System.Buffers;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// IRCv3 message-tags value escaping: <c>\:</c> is ';', <c>\s</c> space, <c>\\</c> backslash,
/// <c>\r</c> CR, <c>\n</c> LF; any other escaped character stands for itself and a lone trailing
/// backslash is dropped ("If a lone \ exists at the end of an escaped value ... the \ SHOULD be dropped").
/// </summary>
internal static class IrcTagEscaping
{
    private const int MaxStackChars = 256;
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(";\\ \r\n");

    public static string Unescape(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return string.Empty;
        if (value.IndexOf('\\') < 0) return value.ToString();

        char[]? rented = null;
        // Unescaping only ever shortens the value, so its escaped length is enough room.
        var buffer = value.Length <= MaxStackChars ? stackalloc char[value.Length] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        var written = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\')
            {
                buffer[written++] = c;
                continue;
            }
            if (++i == value.Length) break;
            buffer[written++] = value[i] switch
            {
                ':' => ';',
                's' => ' ',
                'r' => '\r',
                'n' => '\n',
                var other => other,
            };
        }
        var text = new string(buffer[..written]);
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        return text;
    }

    public static int EscapedLength(string value)
    {
        var length = value.Length;
        var rest = value.AsSpan();
        int at;
        while ((at = rest.IndexOfAny(NeedsEscape)) >= 0)
        {
            length++;
            rest = rest[(at + 1)..];
        }
        return length;
    }

    /// <summary>Writes the escaped value at the start of <paramref name="destination"/>; returns the chars written.</summary>
    public static int WriteEscaped(ReadOnlySpan<char> value, Span<char> destination)
    {
        var written = 0;
        foreach (var c in value)
        {
            var escape = c switch
            {
                ';' => ':',
                ' ' => 's',
                '\\' => '\\',
                '\r' => 'r',
                '\n' => 'n',
                _ => '\0',
            };
            if (escape == '\0')
            {
                destination[written++] = c;
            }
            else
            {
                destination[written++] = '\\';
                destination[written++] = escape;
            }
        }
        return written;
    }
}

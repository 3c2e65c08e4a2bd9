using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>Checks a line a user wants sent, before anything is queued.</summary>
public static class OutgoingLineRules
{
    /// <summary>
    /// Null when the line may be sent; otherwise why not, in words a user can act on. Refused: an empty line;
    /// CR, LF or NUL anywhere; tags over <see cref="IrcLimits.MaxOutgoingTagBytes"/> bytes (between '@' and the
    /// space); over <see cref="IrcLimits.MaxLineBytesWithoutCrlf"/> UTF-8 bytes after the tags; and a line that is
    /// not an IRC message.
    /// </summary>
    public static string? Validate(string? line)
    {
        if (string.IsNullOrEmpty(line)) return "The line is empty.";
        if (line.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            return "The line contains CR, LF or NUL; send each IRC message as its own line.";

        var rest = line.AsSpan();
        if (rest[0] == '@')
        {
            var space = rest.IndexOf(' ');
            var tagBytes = Encoding.UTF8.GetByteCount(space < 0 ? rest[1..] : rest[1..space]);
            if (tagBytes > IrcLimits.MaxOutgoingTagBytes)
                return $"The line's tags are {tagBytes} bytes; IRC allows at most {IrcLimits.MaxOutgoingTagBytes}.";
            if (space < 0) return "The line has tags but no command.";
            rest = rest[(space + 1)..];
        }
        if (rest.Trim(' ').IsEmpty) return "The line has no command.";
        var bytes = Encoding.UTF8.GetByteCount(rest);
        if (bytes > IrcLimits.MaxLineBytesWithoutCrlf)
            return $"The line is {bytes} bytes; IRC allows at most {IrcLimits.MaxLineBytesWithoutCrlf} outside its tags. Split the text into several messages.";
        if (IrcMessageParser.Parse(line, out var error) is null) return error;
        return null;
    }
}

namespace IrcStream.Domain.Protocol;

/// <summary>
/// Span-based parser behind <see cref="IrcMessage.Parse"/>; pure, never throws. It allocates the strings the
/// message holds, one exact-size parameter array and one tag table; commands, numerics and common tag keys are shared.
/// </summary>
internal static class IrcMessageParser
{
    private static readonly string[] NoParams = [];

    public static IrcMessage? Parse(string line, out string? error)
    {
        error = null;
        ReadOnlySpan<char> span = line;
        // "one or more spaces separate the parts": leading ones are tolerated the same way.
        var pos = SkipSpaces(span, 0);

        var tags = IrcTags.Empty;
        if (pos < span.Length && span[pos] == '@')
        {
            var end = span[pos..].IndexOf(' ');
            if (end < 0)
            {
                error = "The line has tags but no command.";
                return null;
            }
            tags = ParseTags(span.Slice(pos + 1, end - 1));
            pos = SkipSpaces(span, pos + end);
        }

        string? source = null;
        if (pos < span.Length && span[pos] == ':')
        {
            var end = span[pos..].IndexOf(' ');
            if (end < 0)
            {
                error = "The line has a source but no command.";
                return null;
            }
            if (end == 1)
            {
                error = "The line has an empty source.";
                return null;
            }
            source = span.Slice(pos + 1, end - 1).ToString();
            pos = SkipSpaces(span, pos + end);
        }

        var commandStart = pos;
        while (pos < span.Length && span[pos] != ' ') pos++;
        var commandSpan = span[commandStart..pos];
        if (commandSpan.IsEmpty)
        {
            error = "The line has no command.";
            return null;
        }
        if (!IsCommand(commandSpan))
        {
            error = $"The command '{commandSpan}' is not ASCII letters or a numeric.";
            return null;
        }
        var command = IrcCommands.Intern(commandSpan);

        return IrcMessage.FromParts(tags, source, command, ParseParams(span, pos));
    }

    public static bool IsCommand(ReadOnlySpan<char> command)
    {
        if (command.IsEmpty) return false;
        foreach (var c in command)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }
        return true;
    }

    private static int SkipSpaces(ReadOnlySpan<char> span, int pos)
    {
        while (pos < span.Length && span[pos] == ' ') pos++;
        return pos;
    }

    private static string[] ParseParams(ReadOnlySpan<char> span, int start)
    {
        // Counted first so the array is allocated once at its exact size.
        var count = 0;
        for (var pos = SkipSpaces(span, start); pos < span.Length; pos = SkipSpaces(span, pos))
        {
            count++;
            if (span[pos] == ':') break;
            var end = span[pos..].IndexOf(' ');
            if (end < 0) break;
            pos += end;
        }
        if (count == 0) return NoParams;

        var parameters = new string[count];
        var i = 0;
        for (var pos = SkipSpaces(span, start); i < count; pos = SkipSpaces(span, pos))
        {
            if (span[pos] == ':')
            {
                parameters[i++] = pos + 1 == span.Length ? string.Empty : span[(pos + 1)..].ToString();
                break;
            }
            var end = span[pos..].IndexOf(' ');
            if (end < 0) end = span.Length - pos;
            parameters[i++] = span.Slice(pos, end).ToString();
            pos += end;
        }
        return parameters;
    }

    private static IrcTags ParseTags(ReadOnlySpan<char> tagSpan)
    {
        if (tagSpan.IsEmpty) return IrcTags.Empty;
        var tags = new IrcTags(tagSpan.Count(';') + 1);
        foreach (var range in tagSpan.Split(';'))
        {
            var item = tagSpan[range];
            var eq = item.IndexOf('=');
            var key = eq < 0 ? item : item[..eq];
            // An empty key names nothing; skipping it keeps the rest of the message.
            if (key.IsEmpty) continue;
            var value = eq < 0 ? string.Empty : IrcTagEscaping.Unescape(item[(eq + 1)..]);
            tags.Set(IrcCommands.TagKey(key), value);
        }
        return tags.Count == 0 ? IrcTags.Empty : tags;
    }
}

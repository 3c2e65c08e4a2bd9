namespace IrcStream.Domain.Protocol;

/// <summary>Span-based parser behind <see cref="IrcMessage.Parse"/>; pure, never throws.</summary>
internal static class IrcMessageParser
{
    public static IrcMessage? Parse(string line, out string? error)
    {
        error = null;
        var span = line.AsSpan();
        var pos = 0;
        Dictionary<string, string>? tags = null;

        if (span.Length > 0 && span[0] == '@')
        {
            var end = span.IndexOf(' ');
            if (end < 0) { error = "message has tags but no command"; return null; }
            tags = ParseTags(span[1..end]);
            pos = SkipSpaces(span, end);
        }

        string? source = null;
        if (pos < span.Length && span[pos] == ':')
        {
            var rest = span[(pos + 1)..];
            var end = rest.IndexOf(' ');
            if (end < 0) { error = "message has a source but no command"; return null; }
            if (end == 0) { error = "message has an empty source"; return null; }
            source = rest[..end].ToString();
            pos = SkipSpaces(span, pos + 1 + end);
        }

        var commandSpan = span[pos..];
        var commandEnd = commandSpan.IndexOf(' ');
        if (commandEnd >= 0) commandSpan = commandSpan[..commandEnd];
        if (commandSpan.IsEmpty) { error = "message has no command"; return null; }
        foreach (var c in commandSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c)) { error = $"command '{commandSpan}' is not letters or a numeric"; return null; }
        }
        var command = IrcCommands.Intern(commandSpan);
        pos += commandSpan.Length;

        var parameters = ParseParams(span, pos);
        return new IrcMessage(tags, source, command, parameters);
    }

    private static int SkipSpaces(ReadOnlySpan<char> span, int pos)
    {
        while (pos < span.Length && span[pos] == ' ') pos++;
        return pos;
    }

    private static IReadOnlyList<string> ParseParams(ReadOnlySpan<char> span, int pos)
    {
        List<string>? list = null;
        while (true)
        {
            pos = SkipSpaces(span, pos);
            if (pos >= span.Length) break;
            list ??= new List<string>(4);
            if (span[pos] == ':')
            {
                list.Add(span[(pos + 1)..].ToString());
                break;
            }
            var rest = span[pos..];
            var end = rest.IndexOf(' ');
            if (end < 0) end = rest.Length;
            list.Add(rest[..end].ToString());
            pos += end;
        }
        return list is null ? [] : list;
    }

    private static Dictionary<string, string> ParseTags(ReadOnlySpan<char> tagSpan)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in tagSpan.Split(';'))
        {
            var item = tagSpan[range];
            if (item.IsEmpty) continue;
            var eq = item.IndexOf('=');
            var key = eq < 0 ? item : item[..eq];
            if (key.IsEmpty) continue;
            var value = eq < 0 ? "" : IrcTagEscaping.Unescape(item[(eq + 1)..]);
            tags[key.ToString()] = value;
        }
        return tags;
    }
}

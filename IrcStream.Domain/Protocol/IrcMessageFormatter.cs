namespace IrcStream.Domain.Protocol;

/// <summary>Writes a message's wire form in one exact-size string.</summary>
internal static class IrcMessageFormatter
{
    public static string Format(IrcMessage message)
    {
        var length = 0;
        var tags = message.TagTable;
        if (tags.Count > 0)
        {
            length += 1 + tags.Count; // '@', the ';' between tags and the space after them
            for (var i = 0; i < tags.Count; i++)
            {
                var (key, value) = tags.At(i);
                length += key.Length;
                if (value.Length > 0) length += 1 + IrcTagEscaping.EscapedLength(value);
            }
        }
        if (message.Source is not null) length += message.Source.Length + 2;
        length += message.Command.Length;
        var parameters = message.Params;
        for (var i = 0; i < parameters.Count; i++)
        {
            length += 1 + parameters[i].Length;
        }
        var needsColon = parameters.Count > 0 && IrcParameters.NeedsTrailing(parameters[^1]);
        if (needsColon) length++;

        return string.Create(length, (message, needsColon), static (span, state) =>
        {
            var (message, needsColon) = state;
            var at = 0;
            var tags = message.TagTable;
            if (tags.Count > 0)
            {
                span[at++] = '@';
                for (var t = 0; t < tags.Count; t++)
                {
                    var (key, value) = tags.At(t);
                    if (t > 0) span[at++] = ';';
                    key.CopyTo(span[at..]);
                    at += key.Length;
                    if (value.Length > 0)
                    {
                        span[at++] = '=';
                        at += IrcTagEscaping.WriteEscaped(value, span[at..]);
                    }
                }
                span[at++] = ' ';
            }
            if (message.Source is not null)
            {
                span[at++] = ':';
                message.Source.CopyTo(span[at..]);
                at += message.Source.Length;
                span[at++] = ' ';
            }
            message.Command.CopyTo(span[at..]);
            at += message.Command.Length;
            var parameters = message.Params;
            for (var i = 0; i < parameters.Count; i++)
            {
                span[at++] = ' ';
                if (i == parameters.Count - 1 && needsColon) span[at++] = ':';
                parameters[i].CopyTo(span[at..]);
                at += parameters[i].Length;
            }
        });
    }
}

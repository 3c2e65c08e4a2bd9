using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>IRCv3 message-tags value escaping: \: ; \s space, \\ backslash, \r CR, \n LF.</summary>
internal static class IrcTagEscaping
{
    public static string Unescape(ReadOnlySpan<char> value)
    {
        if (value.IndexOf('\\') < 0) return value.ToString();
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\') { builder.Append(c); continue; }
            if (++i >= value.Length) break; // a lone trailing backslash is dropped
            builder.Append(value[i] switch
            {
                ':' => ';',
                's' => ' ',
                'r' => '\r',
                'n' => '\n',
                var other => other, // '\\' and unknown escapes drop the backslash
            });
        }
        return builder.ToString();
    }

    public static void AppendEscaped(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case ';': builder.Append("\\:"); break;
                case ' ': builder.Append("\\s"); break;
                case '\\': builder.Append("\\\\"); break;
                case '\r': builder.Append("\\r"); break;
                case '\n': builder.Append("\\n"); break;
                default: builder.Append(c); break;
            }
        }
    }
}

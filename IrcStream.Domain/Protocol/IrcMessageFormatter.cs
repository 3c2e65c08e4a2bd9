using System.Text;

namespace IrcStream.Domain.Protocol;

internal static class IrcMessageFormatter
{
    public static string Format(IrcMessage message)
    {
        var builder = new StringBuilder(64);
        if (message.Tags.Count > 0)
        {
            builder.Append('@');
            var first = true;
            foreach (var (key, value) in message.Tags)
            {
                if (!first) builder.Append(';');
                first = false;
                builder.Append(key);
                if (value.Length > 0)
                {
                    builder.Append('=');
                    IrcTagEscaping.AppendEscaped(builder, value);
                }
            }
            builder.Append(' ');
        }
        if (message.Source is not null) builder.Append(':').Append(message.Source).Append(' ');
        builder.Append(message.Command);
        for (var i = 0; i < message.Params.Count; i++)
        {
            var parameter = message.Params[i];
            builder.Append(' ');
            var isLast = i == message.Params.Count - 1;
            if (isLast && NeedsTrailingColon(parameter)) builder.Append(':');
            builder.Append(parameter);
        }
        return builder.ToString();
    }

    private static bool NeedsTrailingColon(string parameter) =>
        parameter.Length == 0 || parameter[0] == ':' || parameter.Contains(' ');
}

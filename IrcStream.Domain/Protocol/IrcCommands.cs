using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>Shared strings for commands, numerics and tag keys seen on every connection, so parsing them allocates nothing.</summary>
internal static class IrcCommands
{
    private const int MaxStackCommand = 64;

    private static readonly string?[] Numerics = new string?[1000];

    /// <summary>The upper-cased command; <paramref name="command"/> is ASCII letters or digits.</summary>
    public static string Intern(ReadOnlySpan<char> command)
    {
        if (command.Length == 3 && char.IsAsciiDigit(command[0]) && char.IsAsciiDigit(command[1]) && char.IsAsciiDigit(command[2]))
        {
            var n = (command[0] - '0') * 100 + (command[1] - '0') * 10 + (command[2] - '0');
            // A benign race: two threads may each create the string, and either copy is correct.
            return Numerics[n] ??= command.ToString();
        }
        if (Known(command) is { } known) return known;

        Span<char> upper = command.Length <= MaxStackCommand ? stackalloc char[command.Length] : new char[command.Length];
        Ascii.ToUpper(command, upper, out _);
        return Known(upper) ?? upper.ToString();
    }

    private static string? Known(ReadOnlySpan<char> command) => command switch
    {
        "PRIVMSG" => "PRIVMSG",
        "NOTICE" => "NOTICE",
        "JOIN" => "JOIN",
        "PART" => "PART",
        "QUIT" => "QUIT",
        "KICK" => "KICK",
        "NICK" => "NICK",
        "MODE" => "MODE",
        "TOPIC" => "TOPIC",
        "PING" => "PING",
        "PONG" => "PONG",
        "CAP" => "CAP",
        "AUTHENTICATE" => "AUTHENTICATE",
        "ERROR" => "ERROR",
        "AWAY" => "AWAY",
        "ACCOUNT" => "ACCOUNT",
        "CHGHOST" => "CHGHOST",
        "SETNAME" => "SETNAME",
        "BATCH" => "BATCH",
        "TAGMSG" => "TAGMSG",
        "INVITE" => "INVITE",
        "FAIL" => "FAIL",
        "WARN" => "WARN",
        "NOTE" => "NOTE",
        _ => null,
    };

    /// <summary>The key as a string, shared for the tags modern servers put on most messages.</summary>
    public static string TagKey(ReadOnlySpan<char> key) => key switch
    {
        "time" => "time",
        "msgid" => "msgid",
        "account" => "account",
        "batch" => "batch",
        "label" => "label",
        "bot" => "bot",
        "draft/bot" => "draft/bot",
        "+typing" => "+typing",
        "+draft/typing" => "+draft/typing",
        "+reply" => "+reply",
        "+draft/reply" => "+draft/reply",
        "+draft/react" => "+draft/react",
        _ => key.ToString(),
    };
}

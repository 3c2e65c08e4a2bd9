using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>The grammar of nicks, user names and channel names: which are valid, how they compare, and which names are channels.</summary>
public static class IrcNames
{
    /// <summary>Channel prefixes: "Channel names are strings (beginning with specified prefix characters)" — '#', '&amp;', and RFC 2812's '+' and '!'.</summary>
    public const string ChannelPrefixes = "#&+!";

    /// <summary>"special = %x5B-60 / %x7B-7D ; "[", "]", "\", "`", "_", "^", "{", "|", "}"" (RFC 2812 2.3.1), allowed anywhere in a nick.</summary>
    public const string NickSpecials = "[]\\`_^{|}";

    /// <summary>
    /// The longest nick the gateway sends. RFC 2812's nine characters are long outgrown and servers advertise their
    /// own NICKLEN (often 30); this only bounds what a request may ask for, and the server has the last word.
    /// </summary>
    public const int MaxNickLength = 64;

    /// <summary>The longest user name the gateway sends; the server truncates it to its USERLEN.</summary>
    public const int MaxUsernameLength = 64;

    /// <summary>"Channels names are strings ... of length up to two hundred (200) characters" (RFC 1459 1.3), counted here in UTF-8 bytes.</summary>
    public const int MaxChannelBytes = 200;

    /// <summary>IRC nicks and channel names compare case-insensitively (ASCII is what every casemapping shares).</summary>
    public static bool Equal(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> starts with a channel prefix.</summary>
    public static bool IsChannel(string name) => name.Length > 0 && ChannelPrefixes.Contains(name[0]);

    /// <summary>
    /// Null for a nick a server accepts: "nickname = ( letter / special ) *( letter / digit / special / "-" )"
    /// (RFC 2812 2.3.1), at most <see cref="MaxNickLength"/> characters; otherwise why not, in words a user can act on.
    /// </summary>
    public static string? NickProblem(string nick)
    {
        if (nick.Length == 0) return "The nick is empty; leave it out to register yourself, or give one like alice.";
        if (nick.Length > MaxNickLength) return $"The nick is over {MaxNickLength} characters.";
        if (!char.IsAsciiLetter(nick[0]) && !NickSpecials.Contains(nick[0]))
            return "A nick starts with a letter or one of [ ] \\ ` _ ^ { | }.";
        foreach (var c in nick)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && !NickSpecials.Contains(c))
                return $"The nick contains '{c}'; use letters, digits, '-' and [ ] \\ ` _ ^ {{ | }}.";
        }
        return null;
    }

    /// <summary>
    /// Null for a user name USER can carry: "user = 1*( %x01-09 / %x0B-0C / %x0E-1F / %x21-3F / %x41-FF ) ; any
    /// octet except NUL, CR, LF, " " and "@"" (RFC 2812 2.3.1), as a middle parameter; otherwise why not.
    /// </summary>
    public static string? UsernameProblem(string username)
    {
        if (username.Length == 0) return "The username is empty; leave it out to use the nick.";
        if (username.Length > MaxUsernameLength) return $"The username is over {MaxUsernameLength} characters.";
        if (!IrcParameters.IsMiddle(username) || username.Contains('@') || username.Any(char.IsControl))
            return "The username cannot contain spaces, '@', control characters, or start with ':'.";
        return null;
    }

    /// <summary>
    /// Null for a channel name a JOIN can carry: a prefix from <see cref="ChannelPrefixes"/>, then at least one
    /// character other than space, comma, BELL, CR, LF and NUL ("chanstring", RFC 2812 2.3.1), at most
    /// <see cref="MaxChannelBytes"/> bytes; otherwise why not.
    /// </summary>
    public static string? ChannelProblem(string? channel)
    {
        if (string.IsNullOrEmpty(channel)) return "A channel name is empty.";
        if (!IsChannel(channel)) return $"'{channel}' does not start with #, &, + or !, e.g. #ircstream.";
        if (channel.Length == 1) return $"'{channel}' has nothing after its prefix.";
        if (!IsJoinTarget(channel)) return $"'{channel}' contains a space, comma or control character.";
        if (Encoding.UTF8.GetByteCount(channel) > MaxChannelBytes) return $"'{channel}' is over {MaxChannelBytes} bytes.";
        return null;
    }

    /// <summary>True when <paramref name="channel"/> can be one of a JOIN's comma-separated targets (no space, comma, BELL, CR, LF or NUL).</summary>
    public static bool IsJoinTarget(string channel) => channel.Length > 0 && channel.AsSpan().IndexOfAny(" ,\a\r\n\0") < 0;
}

namespace IrcStream.Domain.Protocol;

/// <summary>The grammar of nicks and channel names: how they compare, and which names are channels.</summary>
public static class IrcNames
{
    /// <summary>Channel prefixes: "Channel names are strings (beginning with specified prefix characters)" — '#', '&amp;', and RFC 2812's '+' and '!'.</summary>
    public const string ChannelPrefixes = "#&+!";

    /// <summary>IRC nicks and channel names compare case-insensitively (ASCII is what every casemapping shares).</summary>
    public static bool Equal(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> starts with a channel prefix.</summary>
    public static bool IsChannel(string name) => name.Length > 0 && ChannelPrefixes.Contains(name[0]);
}

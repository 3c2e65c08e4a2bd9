using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// The grammar of a message's parameters: "middle = nospcrlfcl *( ":" / nospcrlfcl )" — not empty, no space,
/// CR, LF or NUL, not starting with ':' — and "trailing", the last one, which may hold spaces after its ':'
/// (RFC 2812 2.3.1).
/// </summary>
public static class IrcParameters
{
    /// <summary>True when <paramref name="value"/> can be sent as a middle parameter (any but the last).</summary>
    public static bool IsMiddle(string? value) =>
        !string.IsNullOrEmpty(value) && value[0] != ':' && value.AsSpan().IndexOfAny(" \r\n\0") < 0;

    /// <summary>True when <paramref name="value"/> can only be the last parameter, written after ':' (empty, a space, or ':' at its start).</summary>
    public static bool NeedsTrailing(string value) => value.Length == 0 || value[0] == ':' || value.Contains(' ');

    /// <summary>An IP address as a middle parameter: <c>::1</c> would start with ':', so it is sent as <c>0::1</c>, the same address.</summary>
    public static string Address(string address) => address.StartsWith(':') ? "0" + address : address;

    /// <summary>
    /// Null when <paramref name="value"/> (a real name, password or account, named <paramref name="what"/> in the
    /// answer) fits in a parameter: not empty, no CR, LF or NUL, no space unless <paramref name="allowSpaces"/>
    /// (it is sent last), at most <paramref name="maxBytes"/> UTF-8 bytes; otherwise why not.
    /// </summary>
    public static string? TextProblem(string? value, string what, int maxBytes, bool allowSpaces)
    {
        if (string.IsNullOrEmpty(value)) return $"The {what} is empty.";
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0) return $"The {what} contains CR, LF or NUL.";
        if (!allowSpaces && value.Contains(' ')) return $"The {what} cannot contain spaces.";
        if (Encoding.UTF8.GetByteCount(value) > maxBytes) return $"The {what} is over {maxBytes} bytes.";
        return null;
    }
}

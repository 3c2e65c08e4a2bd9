namespace IrcStream.Domain.Protocol;

/// <summary>
/// A message source split into its parts: <c>nick!user@host</c>, <c>nick!user</c>, <c>nick@host</c>,
/// <c>nick</c>, or a server name (which lands in <see cref="Nick"/>). Nothing is cleaned: formatting and
/// colour codes in a host (some networks put them in vanity hosts) are kept as they are.
/// </summary>
public sealed record IrcSource(string Nick, string? User, string? Host)
{
    /// <summary>
    /// Splits a source at the first '@' (host) and then the first '!' (user), as the ircdocs
    /// userhost-split cases expect.
    /// </summary>
    /// <exception cref="ArgumentException">The source is empty.</exception>
    public static IrcSource Parse(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var span = source.AsSpan();
        string? host = null;
        var at = span.IndexOf('@');
        if (at >= 0)
        {
            host = span[(at + 1)..].ToString();
            span = span[..at];
        }
        string? user = null;
        var bang = span.IndexOf('!');
        if (bang >= 0)
        {
            user = span[(bang + 1)..].ToString();
            span = span[..bang];
        }
        return new IrcSource(span.Length == source.Length ? source : span.ToString(), user, host);
    }

    /// <summary>
    /// The nick of <paramref name="source"/> without splitting the rest: what comes before the first '!' or '@'
    /// (the <see cref="Nick"/> <see cref="Parse"/> would give), for checking every received line's sender cheaply.
    /// </summary>
    public static ReadOnlySpan<char> NickOf(string source)
    {
        var end = source.AsSpan().IndexOfAny('!', '@');
        return end < 0 ? source.AsSpan() : source.AsSpan(0, end);
    }

    /// <summary>The source in its wire form.</summary>
    public override string ToString() =>
        Nick + (User is null ? "" : "!" + User) + (Host is null ? "" : "@" + Host);
}

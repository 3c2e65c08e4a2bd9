namespace IrcStream.Domain.Protocol;

/// <summary>A message source: <c>nick!user@host</c>, <c>nick!user</c>, <c>nick@host</c>, <c>nick</c> or a server name.</summary>
public sealed record IrcSource(string Nick, string? User, string? Host)
{
    public static IrcSource Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var span = source.AsSpan();
        var at = span.IndexOf('@');
        string? host = null;
        if (at >= 0)
        {
            host = span[(at + 1)..].ToString();
            span = span[..at];
        }
        var bang = span.IndexOf('!');
        string? user = null;
        if (bang >= 0)
        {
            user = span[(bang + 1)..].ToString();
            span = span[..bang];
        }
        return new IrcSource(span.ToString(), user, host);
    }

    public override string ToString() =>
        Nick + (User is null ? "" : "!" + User) + (Host is null ? "" : "@" + Host);
}

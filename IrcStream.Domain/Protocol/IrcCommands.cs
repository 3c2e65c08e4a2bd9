namespace IrcStream.Domain.Protocol;

/// <summary>Shared strings for the commands seen on every connection, so parsing them allocates nothing.</summary>
internal static class IrcCommands
{
    private static readonly string[] Known =
    [
        "PRIVMSG", "NOTICE", "JOIN", "PART", "QUIT", "KICK", "NICK", "MODE", "TOPIC", "PING", "PONG",
        "CAP", "AUTHENTICATE", "ERROR", "AWAY", "ACCOUNT", "CHGHOST", "BATCH", "TAGMSG", "INVITE",
        "001", "002", "003", "004", "005", "332", "333", "353", "366", "372", "375", "376", "433",
    ];

    public static string Intern(ReadOnlySpan<char> command)
    {
        foreach (var known in Known)
        {
            if (command.Equals(known, StringComparison.OrdinalIgnoreCase)) return known;
        }
        return command.ToString().ToUpperInvariant();
    }
}

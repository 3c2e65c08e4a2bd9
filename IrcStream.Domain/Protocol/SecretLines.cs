namespace IrcStream.Domain.Protocol;

/// <summary>
/// A user's line with the secret it carries left out (a password, a verification code), for where a line is kept or
/// shown beyond the socket it goes to: the shared store's list of lines not yet written, and the "not sent" report.
/// </summary>
/// <remarks>
/// Secrets: <c>PASS</c> and <c>AUTHENTICATE</c> (everything), <c>OPER name password</c>, <c>REGISTER account email password</c>
/// (draft/account-registration: the last parameter), <c>VERIFY account code</c>, the channel keys of <c>JOIN channels keys</c>, and what is said to NickServ
/// (<c>PRIVMSG NickServ :IDENTIFY ...</c>, <c>NS ...</c>, <c>NICKSERV ...</c>): everything after its first word.
/// </remarks>
public static class SecretLines
{
    public const string Hidden = "(hidden)";

    /// <summary><paramref name="line"/> with its secret replaced by <see cref="Hidden"/>; any other line as it is.</summary>
    public static string Hide(string line)
    {
        if (!IrcMessage.TryParse(line, out var message)) return line;
        var p = message.Params;
        var command = message.Command.ToUpperInvariant();
        var first = command switch
        {
            "PASS" or "AUTHENTICATE" => 0,
            "OPER" or "VERIFY" or "JOIN" => 1,
            "REGISTER" => p.Count - 1,
            "NS" or "NICKSERV" => 0,
            "PRIVMSG" or "NOTICE" when p.Count > 1 && IrcNames.Equal(p[0], "NickServ") => 1,
            _ => -1,
        };
        if (first < 0 || first >= p.Count) return line;
        string[] hidden = [.. p.Take(first), .. p.Skip(first).Select(_ => Hidden)];
        if (command is "NS" or "NICKSERV" || (command is "PRIVMSG" or "NOTICE" && first == 1))
        {
            // Services commands: keep the command word (IDENTIFY, REGISTER), hide what follows it.
            var said = string.Join(' ', p.Skip(first));
            var word = said.Split(' ', 2)[0];
            if (said.Length == word.Length) return line;
            hidden = [.. p.Take(first), $"{word} {Hidden}"];
        }
        return new IrcMessage(message.Tags, message.Source, message.Command, hidden).ToString();
    }
}

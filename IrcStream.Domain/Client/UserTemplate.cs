using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// What USER tells the server, as the operator wrote it: a user name (ident) and a real name with placeholders for the
/// user's own choice, <c>{username}</c>, <c>{realname}</c> and <c>{nick}</c>. The gateway fills the client's facts
/// (address, host) before it hands a template over, so a network can ban one web user by <c>*!ident@*</c> whatever
/// they ask for. Applied to the gateway's own registration and to a USER line the user sends.
/// </summary>
/// <param name="Username">The user name template; null keeps the user's choice.</param>
/// <param name="Realname">The real name template; null keeps the user's choice.</param>
public sealed record UserTemplate(string? Username, string? Realname)
{
    public const string UsernamePlaceholder = "{username}";
    public const string RealnamePlaceholder = "{realname}";
    public const string NickPlaceholder = "{nick}";

    /// <summary>The user name to send: the template filled with the user's choice, or that choice when there is no template.</summary>
    public string ApplyUsername(string username, string realname, string? nick) => Fill(Username, username, username, realname, nick);

    /// <summary>The real name to send, as <see cref="ApplyUsername"/> does.</summary>
    public string ApplyRealname(string username, string realname, string? nick) => Fill(Realname, realname, username, realname, nick);

    /// <summary>A USER line the user wrote, with the templates applied; other lines unchanged.</summary>
    public IrcMessage Rewrite(IrcMessage message, string? nick)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Command != "USER" || message.Params.Count < 4) return message;
        var p = message.Params;
        string[] rewritten = [ApplyUsername(p[0], p[^1], nick), .. p.Skip(1).Take(p.Count - 2), ApplyRealname(p[0], p[^1], nick)];
        return new IrcMessage(message.Tags, message.Source, message.Command, rewritten);
    }

    /// <summary>One pass over the template, so braces in the user's own choice are never read as placeholders.</summary>
    private static string Fill(string? template, string choice, string username, string realname, string? nick)
    {
        if (template is null) return choice;
        var filled = new System.Text.StringBuilder(template.Length + choice.Length);
        for (var at = 0; at < template.Length;)
        {
            var rest = template.AsSpan(at);
            var (placeholder, value) =
                rest.StartsWith(UsernamePlaceholder, StringComparison.Ordinal) ? (UsernamePlaceholder, username)
                : rest.StartsWith(RealnamePlaceholder, StringComparison.Ordinal) ? (RealnamePlaceholder, realname)
                : rest.StartsWith(NickPlaceholder, StringComparison.Ordinal) ? (NickPlaceholder, nick ?? username)
                : (null, null);
            if (placeholder is null)
            {
                filled.Append(template[at++]);
                continue;
            }
            filled.Append(value);
            at += placeholder.Length;
        }
        return filled.ToString();
    }
}

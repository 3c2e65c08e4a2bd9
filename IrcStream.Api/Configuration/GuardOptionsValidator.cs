using System.Net;
using System.Text.RegularExpressions;
using IrcStream.Api.Connections;
using IrcStream.Domain.Client;
using IrcStream.Domain.Protocol;

namespace IrcStream.Api.Configuration;

/// <summary>The start-up check of the settings that keep abusers out: ident templates, DNSBL, the human check.</summary>
internal static partial class GuardOptionsValidator
{
    private const int MaxRealnameTemplateBytes = 200;

    private static readonly string[] Placeholders =
    [
        ClientIdentity.HexIpPlaceholder, ClientIdentity.HostPlaceholder,
        UserTemplate.UsernamePlaceholder, UserTemplate.RealnamePlaceholder, UserTemplate.NickPlaceholder,
    ];

    public static void Check(List<string> failures, IrcStreamOptions options)
    {
        CheckIdent(failures, options.Ident);
    }

    private static string Key(string key) => $"{IrcStreamOptions.SectionName}:{key}";

    private static void CheckIdent(List<string> failures, IdentOptions ident)
    {
        if (ident.Username is { } username && TemplateProblem(username) is { } usernameProblem)
            failures.Add(Key("Ident:Username") + $" ('{username}') {usernameProblem}");
        if (ident.Realname is { } realname && TemplateProblem(realname) is { } realnameProblem)
            failures.Add(Key("Ident:Realname") + $" ('{realname}') {realnameProblem}");
        if (ident.Username is null && ident.Realname is null) return;

        // What a template gives for an IPv4 and an IPv6 browser must be something USER can carry.
        foreach (var client in new[] { IPAddress.Parse("198.51.100.7"), IPAddress.Parse("2001:db8::7") })
        {
            var template = ClientIdentity.Template(ident, client)!;
            if (ident.Username is { } && IrcNames.UsernameProblem(template.ApplyUsername("alice", "Alice Liddell", "alice")) is { } problem)
                failures.Add(Key("Ident:Username") + $" gives an unusable user name for a browser at {client}: {problem} It accepts e.g. \"{{hexip}}\".");
            if (ident.Realname is { } && IrcParameters.TextProblem(template.ApplyRealname("alice", "Alice Liddell", "alice"), "real name", MaxRealnameTemplateBytes + 256, allowSpaces: true) is { } realProblem)
                failures.Add(Key("Ident:Realname") + $" gives an unusable real name for a browser at {client}: {realProblem}");
        }
    }

    /// <summary>Null for a template with known placeholders only; otherwise why not, naming the placeholders.</summary>
    private static string? TemplateProblem(string template)
    {
        if (template.Length == 0) return "is empty; leave it unset to send the user's own choice.";
        if (System.Text.Encoding.UTF8.GetByteCount(template) > MaxRealnameTemplateBytes) return $"is over {MaxRealnameTemplateBytes} bytes.";
        foreach (Match placeholder in PlaceholderPattern().Matches(template))
        {
            if (!Placeholders.Contains(placeholder.Value, StringComparer.Ordinal))
                return $"has the unknown placeholder {placeholder.Value}; it accepts {string.Join(", ", Placeholders)}.";
        }
        return null;
    }

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();
}

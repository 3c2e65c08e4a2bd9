using System.Net;
using System.Text.RegularExpressions;
using IrcStream.Api.Connections;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
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
        CheckDnsbl(failures, options.Dnsbl);
        CheckHumanCheck(failures, options.HumanCheck);
    }

    private static void CheckDnsbl(List<string> failures, DnsblOptions dnsbl)
    {
        foreach (var (list, name) in new[] { (dnsbl.Deny, "Deny"), (dnsbl.Verify, "Verify") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (Uri.CheckHostName(list[i]) != UriHostNameType.Dns)
                    failures.Add(Key($"Dnsbl:{name}:{i}") + $" ('{list[i]}') is not a DNS zone; it accepts a name like \"dnsbl.dronebl.org\".");
            }
        }
        for (var i = 0; i < dnsbl.Servers.Count; i++)
        {
            if (!IPEndPoint.TryParse(dnsbl.Servers[i], out _))
                failures.Add(Key($"Dnsbl:Servers:{i}") + $" ('{dnsbl.Servers[i]}') is not an IP address with an optional port; it accepts e.g. \"127.0.0.1:53\" or \"[::1]:53\".");
        }
        if (SettingRange.Duration(dnsbl.Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10)) is { } timeout)
            failures.Add(Key("Dnsbl:Timeout") + " " + timeout);
        if (!DnsblActions.All.Contains(dnsbl.OnFailure, StringComparer.Ordinal))
            failures.Add(Key("Dnsbl:OnFailure") + $" ('{dnsbl.OnFailure}') is not one of {string.Join(", ", DnsblActions.All)}.");
    }

    private static void CheckHumanCheck(List<string> failures, HumanCheckOptions check)
    {
        if (SettingRange.Whole(check.Difficulty, 1, 32) is { } difficulty) failures.Add(Key("HumanCheck:Difficulty") + " " + difficulty);
        if (SettingRange.Whole(check.AfterConnectionsPerHour, 0, 1_000_000) is { } perHour) failures.Add(Key("HumanCheck:AfterConnectionsPerHour") + " " + perHour);
        if (SettingRange.Duration(check.ChallengeLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)) is { } lifetime)
            failures.Add(Key("HumanCheck:ChallengeLifetime") + " " + lifetime);
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

using System.Text.RegularExpressions;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;

namespace IrcStream.Api.WebClient;

/// <summary>
/// The <c>IrcStream:WebClient</c> section's rules: what each key accepts (checked at start-up with the others), and
/// what the gateway derives from it (the Content-Security-Policy, the body of <c>GET /api/config</c>).
/// </summary>
internal static partial class WebClientSettings
{
    /// <summary>Enough for a paragraph of greeting or a page of rules; the connect form is not a place for more.</summary>
    internal const int MaxTextLength = 4000;

    internal const int MaxNetworkNameLength = 64;

    /// <summary>Checks every key of the section; <paramref name="report"/> gets the key under <c>IrcStream:</c> and what is wrong.</summary>
    public static void Check(IrcStreamOptions options, Action<string, string> report)
    {
        var web = options.WebClient;
        const string section = "WebClient:";
        if (web.NetworkName is { } name && (name.Length is 0 or > MaxNetworkNameLength || name.Any(char.IsControl)))
            report(section + "NetworkName", $"('{name}') is empty, over {MaxNetworkNameLength} characters or holds control characters; it accepts a name like \"Example IRC\".");
        if (web.LogoUrl is { } logo && LogoOrigin(logo, out _) is false)
            report(section + "LogoUrl", $"('{logo}') is neither a path on the gateway (\"/logo.svg\") nor an https address (\"https://www.example.org/logo.svg\").");
        if (web.AccentColor is { } colour && !HexColour().IsMatch(colour))
            report(section + "AccentColor", $"('{colour}') is not a colour; it accepts #rgb or #rrggbb, e.g. \"#0b6bcb\".");
        Text(report, section + "Greeting", web.Greeting);
        Text(report, section + "Rules", web.Rules);

        if (web.DefaultServer is { } server)
        {
            if (!ServerEndpoint.TryParse(server, tls: false, out var endpoint, out var error))
                report(section + "DefaultServer", $"('{server}') is not a server: {error}");
            else if (!AllowedPatterns(options).Any(p => p.Matches(endpoint)))
                report(section + "DefaultServer", $"('{server}') is not one of IrcStream:AllowedServers; it accepts a server that list allows.");
        }
        for (var i = 0; i < web.DefaultChannels.Count; i++)
        {
            if (IrcNames.ChannelProblem(web.DefaultChannels[i]) is { } problem)
                report($"{section}DefaultChannels:{i}", problem);
        }
        if (web.NickFormat is { } format && IrcNames.NickProblem(format.Replace('?', '0')) is { } nickProblem)
            report(section + "NickFormat", $"('{format}') does not make a nick once each '?' is a digit: {nickProblem} It accepts e.g. \"Guest?????\".");
        for (var i = 0; i < web.FrameAncestors.Count; i++)
        {
            if (!FrameAncestor().IsMatch(web.FrameAncestors[i]))
                report($"{section}FrameAncestors:{i}", $"('{web.FrameAncestors[i]}') is not an origin; it accepts a scheme, host and optional port, e.g. \"https://www.example.org\" or \"https://*.example.org\".");
        }
        if (SettingRange.Duration(web.AwayAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) is { } away)
            report(section + "AwayAfter", away);
        if (IrcParameters.TextProblem(web.AwayText, "away text", 300, allowSpaces: true) is { } awayText)
            report(section + "AwayText", awayText + " It accepts one line of up to 300 bytes.");
    }

    /// <summary>
    /// Only the gateway's own files run and load, so IRC text can never become script, style or a connection
    /// elsewhere even if some rendering bug let markup through. Frames: only the configured origins (none by
    /// default); images: also the logo's origin when it is elsewhere.
    /// </summary>
    public static string ContentSecurityPolicy(WebClientOptions web)
    {
        var images = web.LogoUrl is { } logo && LogoOrigin(logo, out var origin) && origin is not null ? $"'self' {origin}" : "'self'";
        var frames = web.Embeddable ? string.Join(' ', web.FrameAncestors) : "'none'";
        return "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
            $"img-src {images}; object-src 'none'; base-uri 'none'; frame-ancestors {frames}; form-action 'self'";
    }

    public static WebClientConfig Config(IrcStreamOptions options)
    {
        var web = options.WebClient;
        var concrete = options.AllowedServers.Where(s => !s.Contains('*')).ToArray();
        return new WebClientConfig(options.AllowedServers.ToArray())
        {
            NetworkName = web.NetworkName,
            LogoUrl = web.LogoUrl,
            AccentColor = web.AccentColor,
            Greeting = web.Greeting,
            Rules = web.Rules,
            DefaultServer = web.DefaultServer ?? concrete.FirstOrDefault(),
            DefaultChannels = web.DefaultChannels.ToArray(),
            NickFormat = web.NickFormat,
            // One server and nothing else to pick: the field would only be a way to type a refused one.
            ShowServerField = web.ShowServerField ?? !(options.AllowedServers.Count == 1 && concrete.Length == 1),
            AutoConnect = web.AutoConnect,
        };
    }

    private static IEnumerable<ServerPattern> AllowedPatterns(IrcStreamOptions options)
    {
        foreach (var text in options.AllowedServers)
        {
            if (ServerPattern.TryParse(text, out var pattern, out _)) yield return pattern;
        }
    }

    private static void Text(Action<string, string> report, string key, string? value)
    {
        if (value is null) return;
        if (value.Length > MaxTextLength) report(key, $"is over {MaxTextLength} characters; keep it to what fits on the connect form.");
        else if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) report(key, "holds control characters; it accepts plain text and line breaks.");
    }

    /// <summary>True for a usable logo address; <paramref name="origin"/> is its origin when it is on another site (null for a path here).</summary>
    private static bool LogoOrigin(string url, out string? origin)
    {
        origin = null;
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal))
            return Uri.TryCreate(url, UriKind.Relative, out _) && !url.Any(c => char.IsWhiteSpace(c) || c is ';' or '\'' or '"');
        if (!Uri.TryCreate(url, UriKind.Absolute, out var absolute) || absolute.Scheme != Uri.UriSchemeHttps || url.Any(c => char.IsWhiteSpace(c) || c is ';' or '\'' or '"'))
            return false;
        origin = absolute.GetLeftPart(UriPartial.Authority);
        return true;
    }

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColour();

    [GeneratedRegex(@"^(?:'self'|https?://(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](?::\d{1,5})?)$")]
    private static partial Regex FrameAncestor();
}

using System.Text.RegularExpressions;

namespace IrcStream.Tests.Deployment;

/// <summary>One <c>&lt;tag key="value" ...&gt;</c> of an InspIRCd config.</summary>
internal sealed record InspircdConfigTag(string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string this[string attribute] => Attributes.TryGetValue(attribute, out var value)
        ? value
        : throw new KeyNotFoundException($"<{Name}> has no {attribute}=\"...\".");
}

/// <summary>
/// Reads the tags of an InspIRCd 3 config the way the server does for the plain subset the demo uses:
/// '#' starts a comment outside a quoted value, a tag may span lines, values are double-quoted.
/// </summary>
internal static partial class InspircdConfigFile
{
    public static IReadOnlyList<InspircdConfigTag> Parse(string text)
    {
        var withoutComments = string.Join('\n', text.Split('\n').Select(StripComment));
        return TagPattern().Matches(withoutComments)
            .Select(tag => new InspircdConfigTag(
                tag.Groups["name"].Value,
                AttributePattern().Matches(tag.Groups["attributes"].Value)
                    .ToDictionary(a => a.Groups["key"].Value, a => a.Groups["value"].Value, StringComparer.Ordinal)))
            .ToArray();
    }

    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (line[i] == '#' && !quoted) return line[..i];
        }
        return line;
    }

    [GeneratedRegex("""<(?<name>[A-Za-z_]+)(?<attributes>(?:\s+[A-Za-z_:-]+="[^"]*")*)\s*>""")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"(?<key>[A-Za-z_:-]+)=""(?<value>[^""]*)""")]
    private static partial Regex AttributePattern();
}

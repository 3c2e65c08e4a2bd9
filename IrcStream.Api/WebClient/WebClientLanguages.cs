using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;

namespace IrcStream.Api.WebClient;

/// <summary>
/// The web client's languages: one text table per language, <c>wwwroot/js/lang/{code}.js</c> (a BCP 47 code such as
/// <c>de</c> or <c>pt-BR</c>). An operator adds a language by adding such a file; <c>GET /api/config</c> lists them.
/// </summary>
internal static partial class WebClientLanguages
{
    internal const string Folder = "js/lang";

    /// <summary>The codes of the tables in <paramref name="webRoot"/>, English first, the rest in order.</summary>
    public static IReadOnlyList<string> In(IFileProvider webRoot)
    {
        var codes = webRoot.GetDirectoryContents(Folder)
            .Where(file => !file.IsDirectory && TableName().IsMatch(file.Name))
            .Select(file => file.Name[..^3])
            .Where(code => code != "en")
            .Order(StringComparer.Ordinal);
        return ["en", .. codes];
    }

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\.js$")]
    private static partial Regex TableName();
}

using System.IO.Enumeration;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// The subset of .dockerignore that this repository uses: <c>**/name</c> (a file or folder of that name at any
/// depth) and <c>path</c> (from the context's root), each with '*' in a name and an optional trailing '/'.
/// Anything else (a '!' exception, '?', '**' inside a path) is refused rather than guessed at.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(bool AnyDepth, string[] Segments)> _patterns;

    private DockerIgnore(IReadOnlyList<(bool, string[])> patterns) => _patterns = patterns;

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(bool, string[])>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('!') || line.Contains('?') || line.Contains('['))
                throw new NotSupportedException($".dockerignore pattern '{line}' is not in the subset the tests understand.");
            var anyDepth = line.StartsWith("**/", StringComparison.Ordinal);
            var path = (anyDepth ? line[3..] : line).TrimStart('/').TrimEnd('/');
            if (path.Contains("**", StringComparison.Ordinal) || (anyDepth && path.Contains('/')))
                throw new NotSupportedException($".dockerignore pattern '{line}' is not in the subset the tests understand.");
            patterns.Add((anyDepth, path.Split('/')));
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>True when the file at <paramref name="relativePath"/> ('/'-separated, from the context root) is left out.</summary>
    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Split('/');
        foreach (var (anyDepth, pattern) in _patterns)
        {
            if (anyDepth)
            {
                if (segments.Any(s => FileSystemName.MatchesSimpleExpression(pattern[0], s, ignoreCase: false))) return true;
            }
            else if (pattern.Length <= segments.Length
                     && pattern.Select((p, i) => FileSystemName.MatchesSimpleExpression(p, segments[i], ignoreCase: false)).All(m => m))
            {
                return true;
            }
        }
        return false;
    }
}

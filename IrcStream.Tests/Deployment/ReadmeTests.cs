using System.Text.RegularExpressions;

namespace IrcStream.Tests.Deployment;

/// <summary>The README's configuration table is the user's reference: it must name every key the contract defines.</summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public void ConfigurationTableListsEveryKeyOfTheContractWithItsEnvironmentVariable()
    {
        var contractKeys = TableRows(File.ReadAllText(RepositoryRoot.File("docs/API.md")), "## Configuration")
            .SelectMany(cells => Backticked().Matches(cells[0]).Select(m => m.Groups[1].Value))
            .ToArray();
        var readme = TableRows(File.ReadAllText(RepositoryRoot.File("README.md")), "## Configuration")
            .ToDictionary(cells => cells[0].Trim('`', ' '), cells => cells[2]);

        contractKeys.Should().NotBeEmpty();
        foreach (var key in contractKeys)
        {
            readme.Should().ContainKey(key, "README's configuration table should explain {0} from docs/API.md", key);
            readme[key].Should().Contain($"IrcStream__{key.Replace(":", "__", StringComparison.Ordinal)}", "environment variables replace ':' with '__'");
        }
    }

    [Fact]
    public void KeepsTheTwoCommandsCiAndNewcomersRelyOn()
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));

        readme.Should().Contain("dotnet run --project IrcStream.Api").And.Contain("./test.sh");
        File.ReadAllText(RepositoryRoot.File(".ci/run")).Should().Contain("./test.sh");
    }

    /// <summary>The cells of each body row of the first Markdown table after <paramref name="heading"/>.</summary>
    private static IEnumerable<string[]> TableRows(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "the document has a '{0}' section", heading);
        return markdown[start..].Split('\n')
            .SkipWhile(line => !line.StartsWith('|'))
            .TakeWhile(line => line.StartsWith('|'))
            .Skip(2)
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray());
    }

    [GeneratedRegex("`([A-Za-z:]+)`")]
    private static partial Regex Backticked();
}

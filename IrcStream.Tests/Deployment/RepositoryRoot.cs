namespace IrcStream.Tests.Deployment;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds IrcStream.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "IrcStream.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No IrcStream.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}

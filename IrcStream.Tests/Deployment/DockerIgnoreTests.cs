namespace IrcStream.Tests.Deployment;

public sealed class DockerIgnoreTests
{
    private static readonly DockerIgnore Ignore = DockerIgnore.Parse("""
        # build output
        **/bin/
        **/*.user
        .git/
        IrcStream.Tests/
        """);

    [Theory]
    [InlineData("IrcStream.Api/bin/Release/net10.0/IrcStream.Api.dll", true)]
    [InlineData("bin/x", true)]
    [InlineData("IrcStream.Api/IrcStream.Api.csproj.user", true)]
    [InlineData(".git/HEAD", true)]
    [InlineData("IrcStream.Tests/HealthTests.cs", true)]
    [InlineData("IrcStream.Api/Program.cs", false)]
    [InlineData("IrcStream.Api/binary.txt", false)]
    [InlineData("src/IrcStream.Tests/x.cs", false)]
    [InlineData(".gitignore", false)]
    public void ExcludesWhatItsPatternsName(string path, bool excluded)
    {
        Ignore.Excludes(path).Should().Be(excluded);
    }

    [Theory]
    [InlineData("!keep.txt")]
    [InlineData("a/**/b")]
    [InlineData("file?.txt")]
    public void RefusesPatternsItDoesNotUnderstand(string pattern)
    {
        var parse = () => DockerIgnore.Parse(pattern);

        parse.Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void RepositorysDockerignoreIsInTheUnderstoodSubsetAndKeepsBuildOutputOut()
    {
        var ignore = DockerIgnore.Parse(File.ReadAllText(RepositoryRoot.File(".dockerignore")));

        ignore.Excludes("IrcStream.Api/obj/project.assets.json").Should().BeTrue("host restore output would clash with the image's restore");
        ignore.Excludes("IrcStream.Domain/bin/Debug/net10.0/IrcStream.Domain.dll").Should().BeTrue();
        ignore.Excludes("IrcStream.Api/wwwroot/index.html").Should().BeFalse("the web client ships in the image");
    }
}

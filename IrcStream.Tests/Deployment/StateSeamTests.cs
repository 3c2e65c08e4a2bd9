using System.Text.RegularExpressions;
using FluentAssertions;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// The feature folders ask <c>State/</c> for sessions, connections and event logs; which store answers (this process's
/// memory or Redis) is chosen once at start-up. So no file of theirs names the Redis layer, or Redis itself.
/// </summary>
public sealed partial class StateSeamTests
{
    [Theory]
    [InlineData("Sessions")]
    [InlineData("Connections")]
    [InlineData("Streaming")]
    public void FeatureFolderDoesNotReachIntoTheRedisLayer(string folder)
    {
        var files = Directory.EnumerateFiles(RepositoryRoot.File(Path.Combine("IrcStream.Api", folder)), "*.cs", SearchOption.AllDirectories);

        var reaches = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(found => !IsComment(found.line) && RedisLayer().IsMatch(found.line))
            .Select(found => $"{Path.GetFileName(found.file)}:{found.number}: {found.line.Trim()}")
            .ToList();

        reaches.Should().BeEmpty($"IrcStream.Api/{folder} goes through the state seam, not the Redis layer");
    }

    [Fact]
    public void TheCheckCatchesAQualifiedNameAndAUsing()
    {
        RedisLayer().IsMatch("if (!Cluster.OwnerForwarding.IsForwarded(http))").Should().BeTrue();
        RedisLayer().IsMatch("using IrcStream.Api.Cluster;").Should().BeTrue();
        RedisLayer().IsMatch("using StackExchange.Redis;").Should().BeTrue();
        RedisLayer().IsMatch("var state = http.RequestServices.GetRequiredService<IGatewayState>();").Should().BeFalse();
    }

    private static bool IsComment(string line) => line.TrimStart().StartsWith("//", StringComparison.Ordinal);

    [GeneratedRegex(@"\bCluster\.[A-Z]|IrcStream\.Api\.Cluster\b|StackExchange\.Redis")]
    private static partial Regex RedisLayer();
}

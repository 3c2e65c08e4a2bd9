using System.Text.RegularExpressions;

namespace IrcStream.Tests.Deployment;

/// <summary>docker-compose.cluster.yml: two gateway nodes sharing Redis behind nginx, round-robin without affinity.</summary>
public sealed partial class ClusterComposeTests
{
    private static readonly IReadOnlyList<ComposeService> Services = ComposeFile.Load(RepositoryRoot.File("docker-compose.cluster.yml"));

    private static IReadOnlyList<ComposeService> Gateways => Services.Where(s => s.Build == ".").ToArray();

    private static string LoadBalancerConfig
    {
        get
        {
            var mount = Services.SelectMany(s => s.Volumes).Single(v => v.Contains("nginx", StringComparison.Ordinal)).Split(':');
            // Directives only: the comments may name what the config does not do.
            return string.Join('\n', File.ReadAllLines(RepositoryRoot.File(mount[0])).Select(line => line.Split('#')[0]));
        }
    }

    [Fact]
    public void TwoGatewayNodesShareOneRedisAndEachAnnouncesItsOwnAddress()
    {
        Gateways.Should().HaveCount(2);
        var redis = Services.Single(s => s.Image?.StartsWith("redis:", StringComparison.Ordinal) == true);
        Gateways.Should().AllSatisfy(g => g.Environment["IrcStream__Redis__Configuration"].Should().Be($"{redis.Name}:6379"));
        Gateways.Select(g => g.Environment["IrcStream__Redis__NodeUrl"]).Should().Equal(Gateways.Select(g => $"http://{g.Name}:8080"));
        Gateways.Should().AllSatisfy(g => g.Ports.Should().BeEmpty("only the load balancer is published"));
    }

    [Fact]
    public void TheLoadBalancerSpreadsRequestsOverBothNodesWithoutAffinityAndDoesNotBufferStreams()
    {
        var config = LoadBalancerConfig;
        var upstream = Upstream().Match(config);
        upstream.Success.Should().BeTrue("the nginx config has an upstream block");
        var servers = Server().Matches(upstream.Groups[1].Value).Select(m => m.Groups[1].Value);
        servers.Should().BeEquivalentTo(Gateways.Select(g => $"{g.Name}:8080"));
        config.Should().NotContainAny("ip_hash", "hash ", "sticky", "least_conn");
        config.Should().Contain("proxy_buffering off;", "an SSE stream must reach the browser as it is written");
        Services.Single(s => s.Image?.StartsWith("nginx:", StringComparison.Ordinal) == true).Ports.Should().Equal("8080:8080");
    }

    [GeneratedRegex(@"upstream\s+\w+\s*\{([^}]*)\}")]
    private static partial Regex Upstream();

    [GeneratedRegex(@"^\s*server\s+([^\s;]+)", RegexOptions.Multiline)]
    private static partial Regex Server();
}

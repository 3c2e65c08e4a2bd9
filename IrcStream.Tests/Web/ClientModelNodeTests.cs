namespace IrcStream.Tests.Web;

/// <summary>
/// The web client's model (<c>wwwroot/js/state.js</c>, a pure reducer) is tested with node's built-in test runner on
/// event sequences (<c>IrcStream.Tests/Web/Node</c>); this runs them as part of the suite and fails with their output.
/// By hand: <c>node --test IrcStream.Tests/Web/Node</c>.
/// </summary>
public sealed class ClientModelNodeTests
{
    [Fact]
    public async Task TheModelsNodeTestsPass()
    {
        var (exitCode, report) = await NodeProcess.RunAsync(TimeSpan.FromMinutes(2), "--test", "--test-reporter=spec", Path.Combine("IrcStream.Tests", "Web", "Node"));

        exitCode.Should().Be(0, $"node --test reported:\n{report}");
        report.Should().MatchRegex(@"(?m)^ℹ pass [1-9]\d*$", "the runner found and ran the tests");
        report.Should().MatchRegex(@"(?m)^ℹ fail 0$");
        report.Should().MatchRegex(@"(?m)^ℹ skipped 0$");
    }
}

using IrcStream.Domain.Connections;

namespace IrcStream.Tests.Connections;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void TheFirstWaitIsTheConfiguredDelayThenItGrowsWithJitterUpToTheCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(10), new Random(7));

        backoff.NextDelay().Should().Be(TimeSpan.FromSeconds(60));
        backoff.NextDelay().Should().BeCloseTo(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(24));
        backoff.NextDelay().Should().BeCloseTo(TimeSpan.FromSeconds(240), TimeSpan.FromSeconds(48));
        for (var i = 0; i < 50; i++) backoff.NextDelay().Should().BeLessThanOrEqualTo(TimeSpan.FromMinutes(10));
        backoff.NextDelay().Should().BeGreaterThan(TimeSpan.FromMinutes(7), "far past the cap every wait is the cap, or jitter below it");
        backoff.Failures.Should().Be(54);
    }

    [Fact]
    public void JitterSpreadsTheWaitsOfConnectionsThatFailedTogether()
    {
        var delays = Enumerable.Range(0, 20).Select(seed =>
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10), new Random(seed));
            backoff.NextDelay();
            return backoff.NextDelay();
        }).ToArray();

        delays.Distinct().Should().HaveCountGreaterThan(10);
        delays.Should().OnlyContain(d => d >= TimeSpan.FromSeconds(16) && d <= TimeSpan.FromSeconds(24));
    }

    [Fact]
    public void ResetStartsAgainFromTheConfiguredDelay()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++) backoff.NextDelay();

        backoff.Reset();

        backoff.Failures.Should().Be(0);
        backoff.NextDelay().Should().Be(TimeSpan.FromSeconds(1));
    }
}

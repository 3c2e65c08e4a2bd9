using IrcStream.Domain.Connections;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Connections;

public sealed class FloodLimiterTests
{
    [Fact]
    public void ABurstGoesAtOnceThenOneLinePerInterval()
    {
        var time = new FakeTimeProvider();
        var limiter = new FloodLimiter(5, TimeSpan.FromSeconds(2), time);

        for (var i = 0; i < 5; i++) limiter.TryTake(out _).Should().BeTrue($"line {i + 1} is within the burst");
        limiter.TryTake(out var wait).Should().BeFalse();
        wait.Should().Be(TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(1.5));
        limiter.TryTake(out wait).Should().BeFalse();
        wait.Should().Be(TimeSpan.FromSeconds(0.5));
        time.Advance(TimeSpan.FromSeconds(0.5));
        limiter.TryTake(out _).Should().BeTrue();
        limiter.TryTake(out _).Should().BeFalse();
    }

    [Fact]
    public void AQuietPeriodRefillsTheBurstButNoMore()
    {
        var time = new FakeTimeProvider();
        var limiter = new FloodLimiter(3, TimeSpan.FromSeconds(1), time);
        for (var i = 0; i < 3; i++) limiter.TryTake(out _);

        time.Advance(TimeSpan.FromMinutes(10));

        Enumerable.Range(0, 5).Count(_ => limiter.TryTake(out TimeSpan _)).Should().Be(3);
    }
}

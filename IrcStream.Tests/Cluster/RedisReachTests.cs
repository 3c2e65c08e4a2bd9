using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Cluster;

/// <summary>What a node concludes from its own heartbeats, on a fake clock.</summary>
public sealed class RedisReachTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RedisReach _reach;

    public RedisReachTests()
    {
        var options = new IrcStreamOptions();
        options.Redis.LeaseTimeout = TimeSpan.FromSeconds(3);
        _reach = new RedisReach(Options.Create(options), _time);
    }

    /// <summary>
    /// A beat whose answer is late (the node starved of CPU has not read it) is an outage, but not Redis out of reach:
    /// only a beat that failed lets the node conclude it is cut off (<see cref="CutOffWatch"/>).
    /// </summary>
    [Fact]
    public void ABeatNotAnsweredYetIsAnOutageButOnlyAFailedOneMakesRedisUnreachable()
    {
        var sent = _reach.Sending();
        _time.Advance(TimeSpan.FromSeconds(4));

        _reach.OutageFor.Should().Be(TimeSpan.FromSeconds(4));
        _reach.Unreachable.Should().BeFalse("no beat failed: its answer may only be late");

        _reach.Failed();
        _reach.Unreachable.Should().BeTrue();

        _reach.Answered(sent);
        _reach.OutageFor.Should().Be(TimeSpan.Zero);
        _reach.Unreachable.Should().BeFalse();
    }

    [Fact]
    public void ANodeTakesNothingOverUntilItHasReachedRedisForALeaseAfterItsOwnOutage()
    {
        _reach.MayTakeOver.Should().BeTrue();
        _reach.Sending();
        _time.Advance(TimeSpan.FromSeconds(1));
        _reach.Failed();
        _reach.MayTakeOver.Should().BeFalse();

        _time.Advance(TimeSpan.FromSeconds(1));
        _reach.Answered(_reach.Sending());
        _time.Advance(TimeSpan.FromSeconds(2.9));
        _reach.MayTakeOver.Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(0.1));
        _reach.MayTakeOver.Should().BeTrue();
    }
}

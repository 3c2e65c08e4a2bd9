using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>What a node remembers of the sessions it served, to put them back after Redis lost its data (<see cref="ServedSessions"/>).</summary>
public sealed class ServedSessionsTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private static readonly RedisKey Browsing = "p:session:a";
    private static readonly RedisKey Held = "p:session:b";

    private static (ServedSessions Sessions, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider();
        return (new ServedSessions(Options.Create(new IrcStreamOptions { SessionIdleTimeout = Idle }), time), time);
    }

    [Fact]
    public void ASessionLivesTheIdleTimeoutFromItsLastRenewalHereOrWhatRedisLastSaidItHad()
    {
        var (sessions, time) = Create();
        sessions.Renewed(Browsing, "10.0.0.1");
        sessions.Lives(Held, TimeSpan.FromMinutes(3));
        time.Advance(TimeSpan.FromMinutes(2));

        sessions.Left(Browsing).Should().Be(TimeSpan.FromMinutes(8));
        sessions.Left(Held).Should().Be(TimeSpan.FromMinutes(1));
        sessions.AddressOf(Browsing).Should().Be("10.0.0.1");
        sessions.AddressOf(Held).Should().BeNull("only its connection's renewals told of it");
        sessions.Left("p:session:unknown").Should().BeNull();

        sessions.Lives(Browsing, TimeSpan.FromMinutes(1));
        sessions.AddressOf(Browsing).Should().Be("10.0.0.1", "a renewal's word of its life keeps the address known");
        time.Advance(TimeSpan.FromMinutes(1.5));
        sessions.Alive().Should().BeEmpty("both would have expired by now");
    }

    [Fact]
    public void PruningDropsOnlyExpiredSessionsThatHoldNoConnectionHereAndOnlyOncePerIdleTimeout()
    {
        var (sessions, time) = Create();
        sessions.Renewed(Browsing, "10.0.0.1");
        sessions.Renewed(Held, "10.0.0.2");
        time.Advance(Idle + TimeSpan.FromSeconds(1));
        var asked = 0;
        sessions.PruneIfDue(() =>
        {
            asked++;
            return new HashSet<RedisKey> { Held };
        });
        sessions.Count.Should().Be(1);
        sessions.AddressOf(Held).Should().Be("10.0.0.2", "the node still holds a connection of it, so its address is still needed");

        sessions.Renewed(Browsing, "10.0.0.1");
        time.Advance(Idle - TimeSpan.FromSeconds(2));
        sessions.PruneIfDue(() => throw new InvalidOperationException("not due yet"));
        asked.Should().Be(1);
        sessions.Forget(Browsing);
        sessions.AddressOf(Browsing).Should().BeNull();
    }
}

using IrcStream.Domain.Connections;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Connections;

public sealed class PingWheelTests
{
    [Fact]
    public void EachWatchedSocketIsCheckedWhenItIsDueAndThenWhenItSays()
    {
        var time = new FakeTimeProvider();
        var wheel = PingWheel.For(time);
        var start = time.GetTimestamp();
        var soon = new Watched(wheel, time, every: TimeSpan.FromSeconds(10));
        var later = new Watched(wheel, time, every: TimeSpan.FromSeconds(25));
        wheel.Watch(later, wheel.After(start, TimeSpan.FromSeconds(25)));
        wheel.Watch(soon, wheel.After(start, TimeSpan.FromSeconds(10)));

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        soon.Checks.Should().BeEmpty("a check never comes before it is due");
        time.Advance(TimeSpan.FromTicks(1));
        soon.Checks.Should().Equal(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(5));
        later.Checks.Should().Equal(TimeSpan.FromSeconds(25));
        time.Advance(TimeSpan.FromSeconds(5));
        soon.Checks.Should().Equal(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));

        // A clock that jumps (a late timer) checks what was due once, at the time it runs.
        time.Advance(TimeSpan.FromSeconds(25));
        soon.Checks.Should().HaveCount(4).And.EndWith(TimeSpan.FromSeconds(55));
        later.Checks.Should().Equal(TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(55));
    }

    [Fact]
    public void ASocketThatStopsOrIsUnwatchedIsNotCheckedAgain()
    {
        var time = new FakeTimeProvider();
        var wheel = PingWheel.For(time);
        var start = time.GetTimestamp();
        var stopping = new Watched(wheel, time, every: TimeSpan.FromSeconds(5)) { ChecksLeft = 1 };
        var gone = new Watched(wheel, time, every: TimeSpan.FromSeconds(5));
        wheel.Watch(stopping, wheel.After(start, TimeSpan.FromSeconds(5)));
        wheel.Watch(gone, wheel.After(start, TimeSpan.FromSeconds(5)));
        wheel.Unwatch(gone);

        time.Advance(TimeSpan.FromMinutes(1));

        stopping.Checks.Should().HaveCount(1);
        gone.Checks.Should().BeEmpty();
        wheel.Count.Should().Be(0, "nothing is left waiting: the wheel holds no ended socket");
    }

    [Fact]
    public void SocketsOnOneClockShareOneWheel()
    {
        var time = new FakeTimeProvider();
        PingWheel.For(time).Should().BeSameAs(PingWheel.For(time));
        PingWheel.For(time).Should().NotBeSameAs(PingWheel.For(new FakeTimeProvider()));
    }

    private sealed class Watched(PingWheel wheel, TimeProvider time, TimeSpan every) : IPingWatched
    {
        private readonly long _start = time.GetTimestamp();
        public List<TimeSpan> Checks { get; } = [];
        public int ChecksLeft { get; init; } = int.MaxValue;

        public long? CheckPing(long now)
        {
            Checks.Add(time.GetElapsedTime(_start, now));
            return Checks.Count >= ChecksLeft ? null : wheel.After(now, every);
        }
    }
}

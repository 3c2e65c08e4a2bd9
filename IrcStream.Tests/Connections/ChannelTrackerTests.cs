using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Connections;

public sealed class ChannelTrackerTests
{
    [Fact]
    public void ConfiguredChannelsAreJoinedAfterTheFirstWelcomeAndCountOnlyOnceConfirmed()
    {
        var tracker = new ChannelTracker(["#a", "#b"]);

        tracker.TakeRejoinList().Should().Equal("#a", "#b");
        tracker.Joined.Should().BeEmpty();
        Observe(tracker, ":me!u@h JOIN #a");

        tracker.Joined.Should().Equal("#a");
        tracker.TakeRejoinList().Should().Equal(["#b", "#a"], "a channel never confirmed is tried again");
    }

    [Fact]
    public void JoinPartAndKickOfTheOwnNickKeepTheListCurrentAndOthersDoNot()
    {
        var tracker = new ChannelTracker([]);
        Observe(tracker, ":me!u@h JOIN #one");
        Observe(tracker, ":me!u@h JOIN #two * :Real Name");
        Observe(tracker, ":me!u@h JOIN #Three");
        Observe(tracker, ":other!u@h JOIN #other");
        Observe(tracker, ":other!u@h PART #one");
        Observe(tracker, ":op!u@h KICK #two other :not me");

        tracker.Joined.Should().Equal("#one", "#two", "#Three");

        Observe(tracker, ":me!u@h PART #one :bye");
        Observe(tracker, ":op!u@h KICK #three ME :out");

        tracker.Joined.Should().Equal("#two");
    }

    [Fact]
    public void KeysFromTheUsersJoinAndFromModeGoWithTheRejoin()
    {
        var tracker = new ChannelTracker([]);
        tracker.RememberJoinKeys(IrcMessage.Parse("JOIN #a,#b,#c,#d keyA"));
        foreach (var channel in new[] { "#a", "#b", "#c", "#d" }) Observe(tracker, $":me!u@h JOIN {channel}");
        Observe(tracker, ":op!o@h MODE #b +lok 10 me keyB");
        Observe(tracker, ":op!o@h MODE #c +k keyC");
        Observe(tracker, ":op!o@h MODE #c -k keyC");
        Observe(tracker, ":op!o@h MODE #a -l+k keyA2");
        Observe(tracker, ":me!u@h PART #d");

        tracker.TakeRejoinLines().Should().Equal("JOIN #a keyA2", "JOIN #b keyB", "JOIN #c");
    }

    [Fact]
    public void ModeParametersFollowTheServersChanmodes()
    {
        var tracker = new ChannelTracker([]);
        Observe(tracker, ":me!u@h JOIN #x");
        Observe(tracker, ":srv 005 me CHANMODES=beI,k,lf,imnt PREFIX=(qov)~@+ :are supported by this server");
        Observe(tracker, ":op!o@h MODE #x +fqk 5:10 me secret");

        tracker.TakeRejoinLines().Should().Equal("JOIN #x secret");
    }

    [Fact]
    public void AJoinTheServerRefusesIsNotTriedAgain()
    {
        var tracker = new ChannelTracker(["#banned", "#open"]);
        tracker.TakeRejoinList();

        Observe(tracker, ":srv 474 me #banned :Cannot join channel (+b)");

        tracker.TakeRejoinList().Should().Equal("#open");
    }

    [Fact]
    public void TheChannelsStayKnownUntilTheNextWelcomeRejoinsThem()
    {
        var tracker = new ChannelTracker([]);
        Observe(tracker, ":me!u@h JOIN #kept");

        tracker.Joined.Should().Equal("#kept");
        tracker.TakeRejoinList().Should().Equal("#kept");
        tracker.TakeRejoinList().Should().Equal(["#kept"], "lost again before the server confirmed the rejoin");
    }

    [Fact]
    public void JoinLinesPackChannelsUnderTheLimitAndSkipNamesNoLineCanCarry()
    {
        var many = Enumerable.Range(0, 60).Select(i => $"#channel-number-{i:D3}").ToArray();

        var lines = ChannelTracker.JoinLines([.. many, "#with space", "", "#a,b"]).ToArray();

        lines.Should().HaveCountGreaterThan(1);
        lines.Should().OnlyContain(l => l.StartsWith("JOIN #", StringComparison.Ordinal) && l.Length <= 410 && OutgoingLineRules.Validate(l) == null);
        lines.SelectMany(l => l["JOIN ".Length..].Split(',')).Should().Equal(many);
    }

    private static void Observe(ChannelTracker tracker, string line)
    {
        var message = IrcMessage.Parse(line);
        var own = message.Source is { } source && IrcSource.Parse(source).Nick.Equals("me", StringComparison.OrdinalIgnoreCase);
        tracker.Observe(message, "me", own);
    }
}

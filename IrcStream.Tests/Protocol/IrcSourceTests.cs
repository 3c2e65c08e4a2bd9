using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcSourceTests
{
    /// <summary>ircdocs/parser-tests userhost-split.yaml (CC0), plus the forms the issue lists.</summary>
    [Theory]
    [InlineData("coolguy", "coolguy", null, null)]
    [InlineData("coolguy!ag@127.0.0.1", "coolguy", "ag", "127.0.0.1")]
    [InlineData("coolguy!~ag@localhost", "coolguy", "~ag", "localhost")]
    [InlineData("coolguy@127.0.0.1", "coolguy", null, "127.0.0.1")]
    [InlineData("coolguy!ag", "coolguy", "ag", null)]
    [InlineData("coolguy!ag@net\u00035w\u0003ork.admin", "coolguy", "ag", "net\u00035w\u0003ork.admin")]
    [InlineData("coolguy!~ag@n\u0002et\u000305w\u000fork.admin", "coolguy", "~ag", "n\u0002et\u000305w\u000fork.admin")]
    [InlineData("irc.example.net", "irc.example.net", null, null)]
    [InlineData("bob!b@2001:db8::1", "bob", "b", "2001:db8::1")]
    [InlineData("bob!b@user/bob!x", "bob", "b", "user/bob!x")]
    public void SplitsNickUserAndHost(string source, string nick, string? user, string? host)
    {
        var parsed = IrcSource.Parse(source);

        parsed.Should().Be(new IrcSource(nick, user, host));
        parsed.ToString().Should().Be(source);
    }

    [Fact]
    public void AnEmptySourceIsRefused()
    {
        var parse = () => IrcSource.Parse("");

        parse.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ParsesTheSourceOfAParsedMessage()
    {
        var message = IrcMessage.Parse(":bob!b@host.example PRIVMSG #c :hi");

        IrcSource.Parse(message.Source!).Should().Be(new IrcSource("bob", "b", "host.example"));
    }
}

using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class SecretLinesTests
{
    [Theory]
    [InlineData("REGISTER * * s3cret", "REGISTER * * (hidden)")]
    [InlineData("REGISTER alice alice@example.test :pass word", "REGISTER alice alice@example.test (hidden)")]
    [InlineData("VERIFY alice 1a2b3c", "VERIFY alice (hidden)")]
    [InlineData("PASS :server pass", "PASS (hidden)")]
    [InlineData("OPER admin hunter2", "OPER admin (hidden)")]
    [InlineData("AUTHENTICATE YWxpY2UAYWxpY2UAcHc=", "AUTHENTICATE (hidden)")]
    [InlineData("PRIVMSG NickServ :IDENTIFY alice hunter2", "PRIVMSG NickServ :IDENTIFY (hidden)")]
    [InlineData("privmsg nickserv :identify hunter2", "PRIVMSG nickserv :identify (hidden)")]
    [InlineData("NS IDENTIFY hunter2", "NS :IDENTIFY (hidden)")]
    [InlineData("NICKSERV :REGISTER hunter2 me@example.test", "NICKSERV :REGISTER (hidden)")]
    [InlineData("JOIN #c key", "JOIN #c (hidden)")]
    [InlineData("join #a,#b,#c k1,k2", "JOIN #a,#b,#c (hidden)")]
    [InlineData("JOIN #c :key with space", "JOIN #c (hidden)")]
    public void ASecretIsLeftOut(string line, string hidden) => SecretLines.Hide(line).Should().Be(hidden);

    [Theory]
    [InlineData("PRIVMSG #c :my password is not a secret here")]
    [InlineData("PRIVMSG alice :IDENTIFY hunter2")]
    [InlineData("REGISTER")]
    [InlineData("VERIFY alice")]
    [InlineData("JOIN #c")]
    [InlineData("JOIN #a,#b")]
    [InlineData("JOIN 0")]
    [InlineData("PRIVMSG NickServ :HELP")]
    public void AnyOtherLineStaysAsItIs(string line) => SecretLines.Hide(line).Should().Be(line);
}

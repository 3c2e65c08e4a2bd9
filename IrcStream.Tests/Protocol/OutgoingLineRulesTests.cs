using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class OutgoingLineRulesTests
{
    private static readonly string Text510 = "PRIVMSG #c :" + new string('a', 510 - 12);

    public static TheoryData<string, string> Allowed => new()
    {
        { "a plain message", "PRIVMSG #ircstream :hello" },
        { "a command alone", "QUIT" },
        { "exactly 510 bytes", Text510 },
        { "exactly 510 bytes of multi-byte text", "PRIVMSG #c :" + new string('é', (510 - 12) / 2) },
        { "tags of exactly 4094 bytes on top of 510 bytes", "@+k=" + new string('v', 4094 - 3) + " " + Text510 },
        { "client-only tag", "@+typing=active TAGMSG #c" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void AcceptsLinesWithinTheRules(string what, string line)
    {
        OutgoingLineRules.Validate(line).Should().BeNull(what);
    }

    public static TheoryData<string, string?, string> Refused => new()
    {
        { "null", null, "empty" },
        { "empty", "", "empty" },
        { "CR", "PRIVMSG #c :a\rb", "CR, LF or NUL" },
        { "LF", "PRIVMSG #c :a\nb", "CR, LF or NUL" },
        { "CRLF at the end", "PRIVMSG #c :a\r\n", "CR, LF or NUL" },
        { "NUL", "PRIVMSG #c :a\0b", "CR, LF or NUL" },
        { "511 bytes", Text510 + "a", "511 bytes" },
        { "511 bytes from one multi-byte character", "PRIVMSG #c :" + new string('a', 510 - 12 - 1) + "é", "511 bytes" },
        { "tags of 4095 bytes", "@+k=" + new string('v', 4095 - 3) + " PING", "4095 bytes" },
        { "tags without a command", "@a=b", "no command" },
        { "tags and spaces only", "@a=b    ", "no command" },
        { "spaces only", "   ", "no command" },
        { "a command that is not one", "PRIV-MSG #c :x", "not ASCII letters" },
        { "a source without a command", ":me", "no command" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesLinesAgainstTheRulesWithAReason(string what, string? line, string reasonContains)
    {
        OutgoingLineRules.Validate(line).Should().Contain(reasonContains, what);
    }
}

using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcMessageParseTests
{
    /// <summary>
    /// ircdocs/parser-tests msg-split.yaml (CC0), as data: input, tags as key/value pairs, source, verb, params.
    /// Verbs are expected upper-cased, as IrcMessage.Command is.
    /// </summary>
    public static TheoryData<string, string[], string?, string, string[]> MsgSplit => new()
    {
        { "foo bar baz asdf", [], null, "FOO", ["bar", "baz", "asdf"] },
        { ":coolguy foo bar baz asdf", [], "coolguy", "FOO", ["bar", "baz", "asdf"] },
        { "foo bar baz :asdf quux", [], null, "FOO", ["bar", "baz", "asdf quux"] },
        { "foo bar baz :", [], null, "FOO", ["bar", "baz", ""] },
        { "foo bar baz ::asdf", [], null, "FOO", ["bar", "baz", ":asdf"] },
        { ":coolguy foo bar baz :asdf quux", [], "coolguy", "FOO", ["bar", "baz", "asdf quux"] },
        { ":coolguy foo bar baz :  asdf quux ", [], "coolguy", "FOO", ["bar", "baz", "  asdf quux "] },
        { ":coolguy PRIVMSG bar :lol :) ", [], "coolguy", "PRIVMSG", ["bar", "lol :) "] },
        { ":coolguy foo bar baz :", [], "coolguy", "FOO", ["bar", "baz", ""] },
        { ":coolguy foo bar baz :  ", [], "coolguy", "FOO", ["bar", "baz", "  "] },
        { "@a=b;c=32;k;rt=ql7 foo", ["a", "b", "c", "32", "k", "", "rt", "ql7"], null, "FOO", [] },
        { @"@a=b\\and\nk;c=72\s45;d=gh\:764 foo", ["a", "b\\and\nk", "c", "72 45", "d", "gh;764"], null, "FOO", [] },
        { "@c;h=;a=b :quux ab cd", ["c", "", "h", "", "a", "b"], "quux", "AB", ["cd"] },
        { ":src JOIN #chan", [], "src", "JOIN", ["#chan"] },
        { ":src JOIN :#chan", [], "src", "JOIN", ["#chan"] },
        { ":src AWAY", [], "src", "AWAY", [] },
        { ":src AWAY ", [], "src", "AWAY", [] },
        { ":cool\tguy foo bar baz", [], "cool\tguy", "FOO", ["bar", "baz"] },
        { ":coolguy!ag@net\u00035w\u0003ork.admin PRIVMSG foo :bar baz", [], "coolguy!ag@net\u00035w\u0003ork.admin", "PRIVMSG", ["foo", "bar baz"] },
        { ":coolguy!~ag@n\u0002et\u000305w\u000fork.admin PRIVMSG foo :bar baz", [], "coolguy!~ag@n\u0002et\u000305w\u000fork.admin", "PRIVMSG", ["foo", "bar baz"] },
        {
            "@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4= :irc.example.com COMMAND param1 param2 :param3 param3",
            ["tag1", "value1", "tag2", "", "vendor1/tag3", "value2", "vendor2/tag4", ""], "irc.example.com", "COMMAND", ["param1", "param2", "param3 param3"]
        },
        { ":irc.example.com COMMAND param1 param2 :param3 param3", [], "irc.example.com", "COMMAND", ["param1", "param2", "param3 param3"] },
        {
            "@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4 COMMAND param1 param2 :param3 param3",
            ["tag1", "value1", "tag2", "", "vendor1/tag3", "value2", "vendor2/tag4", ""], null, "COMMAND", ["param1", "param2", "param3 param3"]
        },
        { "COMMAND", [], null, "COMMAND", [] },
        { @"@foo=\\\\\:\\s\s\r\n COMMAND", ["foo", "\\\\;\\s \r\n"], null, "COMMAND", [] },
        { ":gravel.mozilla.org 432  #momo :Erroneous Nickname: Illegal characters", [], "gravel.mozilla.org", "432", ["#momo", "Erroneous Nickname: Illegal characters"] },
        { ":gravel.mozilla.org MODE #tckk +n ", [], "gravel.mozilla.org", "MODE", ["#tckk", "+n"] },
        { ":services.esper.net MODE #foo-bar +o foobar  ", [], "services.esper.net", "MODE", ["#foo-bar", "+o", "foobar"] },
        { @"@tag1=value\\ntest COMMAND", ["tag1", "value\\ntest"], null, "COMMAND", [] },
        { @"@tag1=value\1 COMMAND", ["tag1", "value1"], null, "COMMAND", [] },
        { @"@tag1=value1\ COMMAND", ["tag1", "value1"], null, "COMMAND", [] },
        { "@tag1=1;tag2=3;tag3=4;tag1=5 COMMAND", ["tag1", "5", "tag2", "3", "tag3", "4"], null, "COMMAND", [] },
        { "@tag1=1;tag2=3;tag3=4;tag1=5;vendor/tag2=8 COMMAND", ["tag1", "5", "tag2", "3", "tag3", "4", "vendor/tag2", "8"], null, "COMMAND", [] },
        { ":SomeOp MODE #channel :+i", [], "SomeOp", "MODE", ["#channel", "+i"] },
        { ":SomeOp MODE #channel +oo SomeUser :AnotherUser", [], "SomeOp", "MODE", ["#channel", "+oo", "SomeUser", "AnotherUser"] },
    };

    [Theory]
    [MemberData(nameof(MsgSplit))]
    public void ParsesIrcdocsMsgSplitCases(string input, string[] tagPairs, string? source, string verb, string[] parameters)
    {
        var message = IrcMessage.Parse(input);

        message.Tags.Should().BeEquivalentTo(Pairs(tagPairs));
        message.Source.Should().Be(source);
        message.Command.Should().Be(verb);
        message.Params.Should().Equal(parameters);
    }

    /// <summary>The rules of issue item 5, one case each, beyond what msg-split covers.</summary>
    public static TheoryData<string, string, string[], string?, string, string[]> Rules => new()
    {
        { "client-only and vendor-prefixed keys", "@+example.com/key=v;+typing=active;example.com/k2 TAGMSG #c", ["+example.com/key", "v", "+typing", "active", "example.com/k2", ""], null, "TAGMSG", ["#c"] },
        { "every escape", @"@k=\:\s\\\r\n PING", ["k", "; \\\r\n"], null, "PING", [] },
        { "unknown escape drops its backslash", @"@k=\b\x\? PING", ["k", "bx?"], null, "PING", [] },
        { "lone trailing backslash is dropped", @"@k=abc\ PING", ["k", "abc"], null, "PING", [] },
        { "escaped backslash at the end is kept", @"@k=abc\\ PING", ["k", "abc\\"], null, "PING", [] },
        { "duplicated key keeps the last value", "@k=1;k=2;k=3 PING", ["k", "3"], null, "PING", [] },
        { "duplicated key given last without value becomes empty", "@k=1;k PING", ["k", ""], null, "PING", [] },
        { "empty value is the same as none", "@a=;b PING", ["a", "", "b", ""], null, "PING", [] },
        { "empty tag items are ignored", "@;a=1;;b=2; PING", ["a", "1", "b", "2"], null, "PING", [] },
        { "tags end at the first space", @"@a=x\sy PRIVMSG #c :a=b;c", ["a", "x y"], null, "PRIVMSG", ["#c", "a=b;c"] },
        { "several spaces between every part", "@a=1   :src    PRIVMSG    #c     x   :y  z", ["a", "1"], "src", "PRIVMSG", ["#c", "x", "y  z"] },
        { "leading spaces are skipped", "   PING x", [], null, "PING", ["x"] },
        { "a tab does not separate parameters", "PRIVMSG #c\tx y\t", [], null, "PRIVMSG", ["#c\tx", "y\t"] },
        { "trailing keeps spaces and colons", "PRIVMSG #c :: a :b  :", [], null, "PRIVMSG", ["#c", ": a :b  :"] },
        { "trailing may be empty", ":n!u@h PRIVMSG #c :", [], "n!u@h", "PRIVMSG", ["#c", ""] },
        { "a colon inside a middle parameter is kept", "MODE #c +k a:b", [], null, "MODE", ["#c", "+k", "a:b"] },
        { "trailing space means no parameters", ":src AWAY ", [], "src", "AWAY", [] },
        { "command is upper-cased", ":n privmsg #c :hi", [], "n", "PRIVMSG", ["#c", "hi"] },
        { "unknown commands are upper-cased too", "xyzzy a", [], null, "XYZZY", ["a"] },
        { "numerics are kept", ":srv 005 me CHANTYPES=# :are supported", [], "srv", "005", ["me", "CHANTYPES=#", "are supported"] },
        { "a source is a bare server name", ":irc.example.net NOTICE * :hi", [], "irc.example.net", "NOTICE", ["*", "hi"] },
        { "non-ASCII text passes through", ":n PRIVMSG #c :café ☕ 😀", [], "n", "PRIVMSG", ["#c", "café ☕ 😀"] },
        { "an empty tag section is no tags", "@ PING x", [], null, "PING", ["x"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void ParsesByTheProtocolRules(string rule, string input, string[] tagPairs, string? source, string verb, string[] parameters)
    {
        var message = IrcMessage.Parse(input);

        message.Tags.Should().BeEquivalentTo(Pairs(tagPairs), rule);
        message.Source.Should().Be(source, rule);
        message.Command.Should().Be(verb, rule);
        message.Params.Should().Equal(parameters, rule);
    }

    [Fact]
    public void AMessageMayCarryAnyNumberOfParameters()
    {
        var middles = Enumerable.Range(1, 40).Select(i => $"p{i}").ToArray();
        var message = IrcMessage.Parse("CMD " + string.Join(' ', middles) + " :the end");

        message.Params.Should().Equal([.. middles, "the end"]);
    }

    [Fact]
    public void ManyTagsWithDuplicatesKeepTheLastValueOfEach()
    {
        var items = Enumerable.Range(0, 300).Select(i => $"k{i % 100}={i}");
        var message = IrcMessage.Parse("@" + string.Join(';', items) + " PING");

        message.Tags.Should().HaveCount(100);
        for (var k = 0; k < 100; k++)
        {
            message.Tags[$"k{k}"].Should().Be((200 + k).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void TagsBehaveAsAReadOnlyDictionary()
    {
        var tags = IrcMessage.Parse("@time=2026-11-25T17:00:00.123Z;+draft/reply=abc;bot PRIVMSG #c :x").Tags;

        tags.Keys.Should().BeEquivalentTo("time", "+draft/reply", "bot");
        tags.Values.Should().BeEquivalentTo("2026-11-25T17:00:00.123Z", "abc", "");
        tags.ContainsKey("bot").Should().BeTrue();
        tags.ContainsKey("BOT").Should().BeFalse("tag keys are case-sensitive");
        tags.TryGetValue("missing", out _).Should().BeFalse();
        var missing = () => tags["missing"];
        missing.Should().Throw<KeyNotFoundException>();
    }

    public static TheoryData<string, string> NotMessages => new()
    {
        { "", "empty" },
        { "    ", "only spaces" },
        { "@a=b", "tags and nothing else" },
        { "@a=b    ", "tags and spaces" },
        { ":src", "source and nothing else" },
        { ":src   ", "source and spaces" },
        { ": PRIVMSG #c :x", "empty source" },
        { "@a=b : PING", "tags and an empty source" },
        { "PRIV-MSG #c", "command with a hyphen" },
        { "PRIVMSG\t#c :x", "tab inside the command" },
        { ":src :PRIVMSG", "command beginning with a colon" },
        { "ÉTÉ x", "non-ASCII command" },
    };

    [Theory]
    [MemberData(nameof(NotMessages))]
    public void ParseThrowsIrcParseExceptionOnLinesThatAreNotMessages(string input, string what)
    {
        var parse = () => IrcMessage.Parse(input);

        parse.Should().Throw<IrcParseException>(what).Which.Should().BeAssignableTo<FormatException>();
    }

    [Theory]
    [MemberData(nameof(NotMessages))]
    public void TryParseReturnsFalseWithoutThrowingOnLinesThatAreNotMessages(string input, string what)
    {
        IrcMessage.TryParse(input, out var message).Should().BeFalse(what);
        message.Should().BeNull();
    }

    [Fact]
    public void TryParseReturnsTheMessageForAValidLine()
    {
        IrcMessage.TryParse(":n!u@h JOIN #c", out var message).Should().BeTrue();
        message.Should().Be(new IrcMessage(null, "n!u@h", "JOIN", ["#c"]));
    }

    [Fact]
    public void TryParseOfNullIsFalseAndParseOfNullThrowsArgumentNull()
    {
        IrcMessage.TryParse(null!, out _).Should().BeFalse();
        var parse = () => IrcMessage.Parse(null!);
        parse.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void ParseErrorSaysWhatIsWrong()
    {
        var parse = () => IrcMessage.Parse("@a=b");

        parse.Should().Throw<IrcParseException>().WithMessage("*tags*no command*");
    }

    internal static Dictionary<string, string> Pairs(string[] pairs)
    {
        var tags = new Dictionary<string, string>();
        for (var i = 0; i < pairs.Length; i += 2) tags[pairs[i]] = pairs[i + 1];
        return tags;
    }
}

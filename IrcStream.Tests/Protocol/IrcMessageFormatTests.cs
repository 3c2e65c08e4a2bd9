using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcMessageFormatTests
{
    /// <summary>
    /// ircdocs/parser-tests msg-join.yaml (CC0), as data: tags as key/value pairs, source, verb, params, and the
    /// lines any of which is a correct wire form. Verbs are upper-case here because IrcMessage upper-cases them.
    /// </summary>
    public static TheoryData<string[], string?, string, string[], string[]> MsgJoin => new()
    {
        { [], null, "FOO", ["bar", "baz", "asdf"], ["FOO bar baz asdf", "FOO bar baz :asdf"] },
        { [], "src", "AWAY", [], [":src AWAY"] },
        { [], "src", "AWAY", [""], [":src AWAY :"] },
        { [], "coolguy", "FOO", ["bar", "baz", "asdf"], [":coolguy FOO bar baz asdf", ":coolguy FOO bar baz :asdf"] },
        { [], null, "FOO", ["bar", "baz", "asdf quux"], ["FOO bar baz :asdf quux"] },
        { [], null, "FOO", ["bar", "baz", ""], ["FOO bar baz :"] },
        { [], null, "FOO", ["bar", "baz", ":asdf"], ["FOO bar baz ::asdf"] },
        { [], "coolguy", "FOO", ["bar", "baz", "asdf quux"], [":coolguy FOO bar baz :asdf quux"] },
        { [], "coolguy", "FOO", ["bar", "baz", "  asdf quux "], [":coolguy FOO bar baz :  asdf quux "] },
        { [], "coolguy", "PRIVMSG", ["bar", "lol :) "], [":coolguy PRIVMSG bar :lol :) "] },
        { [], "coolguy", "FOO", ["bar", "baz", ""], [":coolguy FOO bar baz :"] },
        { [], "coolguy", "FOO", ["bar", "baz", "  "], [":coolguy FOO bar baz :  "] },
        { [], "coolguy", "FOO", ["b\tar", "baz"], [":coolguy FOO b\tar baz", ":coolguy FOO b\tar :baz"] },
        { ["asd", ""], "coolguy", "FOO", ["bar", "baz", "  "], ["@asd :coolguy FOO bar baz :  ", "@asd= :coolguy FOO bar baz :  "] },
        { ["a", "b\\and\nk", "d", "gh;764"], null, "FOO", [], [@"@a=b\\and\nk;d=gh\:764 FOO", @"@d=gh\:764;a=b\\and\nk FOO"] },
        {
            ["a", "b\\and\nk", "d", "gh;764"], null, "FOO", ["par1", "par2"],
            [@"@a=b\\and\nk;d=gh\:764 FOO par1 par2", @"@a=b\\and\nk;d=gh\:764 FOO par1 :par2", @"@d=gh\:764;a=b\\and\nk FOO par1 par2", @"@d=gh\:764;a=b\\and\nk FOO par1 :par2"]
        },
        { ["foo", "\\\\;\\s \r\n"], null, "COMMAND", [], [@"@foo=\\\\\:\\s\s\r\n COMMAND"] },
    };

    [Theory]
    [MemberData(nameof(MsgJoin))]
    public void FormatsIrcdocsMsgJoinCases(string[] tagPairs, string? source, string verb, string[] parameters, string[] matches)
    {
        var message = new IrcMessage(IrcMessageParseTests.Pairs(tagPairs), source, verb, parameters);

        message.ToString().Should().BeOneOf(matches);
        IrcMessage.Parse(message.ToString()).Should().Be(message);
        foreach (var match in matches) IrcMessage.Parse(match).Should().Be(message, "every listed form is the same message");
    }

    [Theory]
    [InlineData("hello", "PRIVMSG #c hello")]
    [InlineData("hello there", "PRIVMSG #c :hello there")]
    [InlineData("", "PRIVMSG #c :")]
    [InlineData(":)", "PRIVMSG #c ::)")]
    [InlineData("a:b", "PRIVMSG #c a:b")]
    [InlineData("tab\there", "PRIVMSG #c tab\there")]
    public void LastParameterGetsAColonOnlyWhenItMust(string last, string expected)
    {
        new IrcMessage(null, null, "PRIVMSG", ["#c", last]).ToString().Should().Be(expected);
    }

    [Fact]
    public void TagValuesAreEscapedOnOutput()
    {
        var message = new IrcMessage(new Dictionary<string, string> { ["k"] = "a;b c\\d\re\nf" }, null, "TAGMSG", ["#c"]);

        message.ToString().Should().Be(@"@k=a\:b\sc\\d\re\nf TAGMSG #c");
    }

    [Fact]
    public void ATagWithAnEmptyValueIsWrittenAsTheBareKey()
    {
        var message = new IrcMessage(new Dictionary<string, string> { ["+typing"] = "" }, "n", "TAGMSG", ["#c"]);

        message.ToString().Should().Be("@+typing :n TAGMSG #c");
    }

    [Fact]
    public void AMessageWithoutTagsOrSourceStartsWithItsCommand()
    {
        new IrcMessage(new Dictionary<string, string>(), "", "ping", ["x"]).ToString().Should().Be("PING x");
    }

    [Theory]
    [InlineData("@time=2026-11-25T17:00:00.123Z;msgid=abc123;account=bob :bob!b@host.example PRIVMSG #ircstream :hello there, how are you?")]
    [InlineData(":irc.example.net 353 alice = #ircstream :alice @bob +carol dave")]
    [InlineData(":alice!a@host JOIN #ircstream * :Alice")]
    [InlineData("PING :irc.example.net")]
    [InlineData(@"@a=\\\:\s\r\n;+vendor.example/k=1;empty :s C p1 p2 ::x y")]
    [InlineData(":coolguy!~ag@n\u0002et\u000305w\u000fork.admin PRIVMSG foo :bar baz")]
    [InlineData(":src AWAY")]
    [InlineData(":src AWAY :")]
    [InlineData("CMD a b c d e f g h i j k l m n o p q r s t u v w x y z :last one")]
    public void ParsedLinesRoundTripThroughToString(string line)
    {
        var message = IrcMessage.Parse(line);

        IrcMessage.Parse(message.ToString()).Should().Be(message);
    }

    [Fact]
    public void RandomMessagesRoundTripThroughToString()
    {
        var random = new Random(20261125);
        const string alphabet = "ab:; \\\r\n\t=@!é😀x";
        string Word(int min, Func<char, bool> allowed)
        {
            var length = random.Next(min, 8);
            var chars = new List<char>();
            while (chars.Count < length)
            {
                var c = alphabet[random.Next(alphabet.Length)];
                if (char.IsSurrogate(c)) continue;
                if (allowed(c)) chars.Add(c);
            }
            return new string([.. chars]);
        }

        for (var n = 0; n < 500; n++)
        {
            var tags = new Dictionary<string, string>();
            for (var t = random.Next(0, 5); t > 0; t--) tags[(random.Next(2) == 0 ? "+" : "") + "k" + Word(1, c => c is not (' ' or ';' or '=' or '\r' or '\n'))] = Word(0, _ => true);
            var source = random.Next(3) == 0 ? null : "s" + Word(0, c => c != ' ');
            var parameters = new List<string>();
            for (var p = random.Next(0, 6); p > 0; p--) parameters.Add("m" + Word(0, c => c != ' '));
            if (random.Next(2) == 0) parameters.Add(Word(0, _ => true));
            var message = new IrcMessage(tags, source, random.Next(2) == 0 ? "PRIVMSG" : "x" + random.Next(1000), parameters);

            var wire = message.ToString();
            IrcMessage.Parse(wire).Should().Be(message, "'{0}' must parse back to the message it came from", wire);
        }
    }

    [Fact]
    public void MessagesWithEqualPartsAreEqualWhateverTheTagOrder()
    {
        var a = IrcMessage.Parse("@x=1;y=2 :n!u@h PRIVMSG #c :hi");
        var b = IrcMessage.Parse("@y=2;x=1 :n!u@h PRIVMSG #c hi");

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        (a.Equals((object)b)).Should().BeTrue();
    }

    [Theory]
    [InlineData("@x=1 :n PRIVMSG #c :hi", "@x=2 :n PRIVMSG #c :hi")]
    [InlineData("@x=1 :n PRIVMSG #c :hi", "@z=1 :n PRIVMSG #c :hi")]
    [InlineData("@x=1 :n PRIVMSG #c :hi", ":n PRIVMSG #c :hi")]
    [InlineData(":n PRIVMSG #c :hi", ":m PRIVMSG #c :hi")]
    [InlineData(":n PRIVMSG #c :hi", "PRIVMSG #c :hi")]
    [InlineData(":n PRIVMSG #c :hi", ":n NOTICE #c :hi")]
    [InlineData(":n PRIVMSG #c :hi", ":n PRIVMSG #c :hi!")]
    [InlineData(":n PRIVMSG #c :hi", ":n PRIVMSG #c hi there")]
    public void MessagesThatDifferInAnyPartAreNotEqual(string left, string right)
    {
        IrcMessage.Parse(left).Should().NotBe(IrcMessage.Parse(right));
    }

    [Fact]
    public void ConstructorCopiesItsInputsSoTheMessageStaysUnchanged()
    {
        var tags = new Dictionary<string, string> { ["k"] = "v" };
        var parameters = new List<string> { "#c", "hi" };
        var message = new IrcMessage(tags, "n", "PRIVMSG", parameters);

        tags["k"] = "changed";
        tags["new"] = "";
        parameters[1] = "changed";
        parameters.Add("more");

        message.Tags.Should().Equal(new Dictionary<string, string> { ["k"] = "v" });
        message.Params.Should().Equal("#c", "hi");
    }

    [Fact]
    public void ConstructorUpperCasesTheCommandAndTreatsAnEmptySourceAsNone()
    {
        var message = new IrcMessage(null, "", "privmsg", ["#c", "x"]);

        message.Command.Should().Be("PRIVMSG");
        message.Source.Should().BeNull();
        message.Tags.Should().BeEmpty();
    }

    public static TheoryData<string, string?, string, string[], Dictionary<string, string>?> Unrepresentable => new()
    {
        { "empty middle parameter", null, "PRIVMSG", ["", "x"], null },
        { "middle parameter with a space", null, "PRIVMSG", ["#a b", "x"], null },
        { "middle parameter beginning with ':'", null, "PRIVMSG", [":c", "x"], null },
        { "command with a space", null, "PRIV MSG", ["x"], null },
        { "command with a colon", null, ":PRIVMSG", ["x"], null },
        { "empty command", null, "", ["x"], null },
        { "source with a space", "n u", "PRIVMSG", ["x"], null },
        { "tag key with '='", null, "PING", [], new() { ["a=b"] = "" } },
        { "tag key with ';'", null, "PING", [], new() { ["a;b"] = "" } },
        { "tag key with a space", null, "PING", [], new() { ["a b"] = "" } },
        { "empty tag key", null, "PING", [], new() { [""] = "v" } },
    };

    [Theory]
    [MemberData(nameof(Unrepresentable))]
    public void ConstructorRefusesWhatTheWireCannotCarry(string what, string? source, string command, string[] parameters, Dictionary<string, string>? tags)
    {
        var create = () => new IrcMessage(tags, source, command, parameters);

        create.Should().Throw<ArgumentException>(what);
    }
}

using System.Globalization;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcTextSplitterTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void AShortTextIsOneLine()
    {
        IrcTextSplitter.Split("PRIVMSG", "#c", "hello there").Should().Equal("PRIVMSG #c :hello there");
    }

    [Fact]
    public void NoticeIsSplitLikePrivmsg()
    {
        IrcTextSplitter.Split("NOTICE", "bob", "hi").Should().Equal("NOTICE bob :hi");
    }

    [Fact]
    public void ByDefaultRoomIsLeftForTheRelayPrefix()
    {
        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", new string('a', 2000));

        lines.Should().OnlyContain(l => Bytes(l) <= IrcLimits.MaxLineBytesWithoutCrlf - IrcTextSplitter.DefaultReserveBytes);
        Bytes(lines[0]).Should().Be(IrcLimits.MaxLineBytesWithoutCrlf - IrcTextSplitter.DefaultReserveBytes);
        // What another user receives: the relay prefix a server adds still leaves the line within 510 bytes.
        var relayed = ":" + new string('n', 30) + "!~" + new string('u', 10) + "@" + new string('h', 64) + " " + lines[0];
        Bytes(relayed).Should().BeLessThanOrEqualTo(IrcLimits.MaxLineBytesWithoutCrlf);
    }

    [Theory]
    [InlineData(510, 0)]
    [InlineData(510, 109)]
    [InlineData(300, 50)]
    [InlineData(64, 0)]
    public void LongTextWithSpacesIsCutBetweenWordsWithinTheLimit(int maxLineBytes, int reserve)
    {
        var words = Enumerable.Range(0, 400).Select(i => "word" + i).ToArray();
        var text = string.Join(' ', words);

        var lines = IrcTextSplitter.Split("PRIVMSG", "#ircstream", text, maxLineBytes, reserve);

        lines.Should().HaveCountGreaterThan(1);
        lines.Should().OnlyContain(l => Bytes(l) <= maxLineBytes - reserve && l.StartsWith("PRIVMSG #ircstream :", StringComparison.Ordinal));
        var parts = Parts(lines, "#ircstream");
        string.Join(' ', parts).Should().Be(text, "each cut drops exactly the one space it was made at");
        parts.SelectMany(p => p.Split(' ')).Should().Equal(words, "no word is cut");
    }

    [Fact]
    public void TextWithoutSpacesIsCutHardAndFillsEachLine()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + i % 26)));

        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", text, 100, 0);

        string.Concat(Parts(lines, "#c")).Should().Be(text);
        lines.SkipLast(1).Should().OnlyContain(l => Bytes(l) == 100);
    }

    [Fact]
    public void ASpaceOnlyInTheFirstHalfOfThePartIsNotUsedForTheCut()
    {
        var text = "ab " + new string('x', 500);

        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", text, 100, 0);

        Bytes(lines[0]).Should().Be(100);
        string.Concat(Parts(lines, "#c")).Should().Be(text);
    }

    [Fact]
    public void ASpaceInTheSecondHalfOfThePartIsPreferredOverAHardCut()
    {
        // Budget after "PRIVMSG #c :" is 88 bytes; the space sits at byte 60.
        var text = new string('a', 60) + " " + new string('b', 60);

        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", text, 100, 0);

        Parts(lines, "#c").Should().Equal(new string('a', 60), new string('b', 60));
    }

    public static TheoryData<string, string> MultiByteTexts => new()
    {
        { "two-byte letters", string.Concat(Enumerable.Repeat("é", 700)) },
        { "three-byte symbols", string.Concat(Enumerable.Repeat("☕", 500)) },
        { "surrogate pairs", string.Concat(Enumerable.Repeat("😀", 400)) },
        { "emoji with skin tone (two pairs, one grapheme)", string.Concat(Enumerable.Repeat("👍🏽", 200)) },
        { "ZWJ family (one grapheme of 11 chars)", string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 100)) },
        { "letters with combining accents", string.Concat(Enumerable.Repeat("e\u0301\u0323", 400)) },
        { "mixed", string.Concat(Enumerable.Repeat("aé☕😀👍🏽 ", 150)) },
    };

    [Theory]
    [MemberData(nameof(MultiByteTexts))]
    public void NeverCutsInsideACharacterASurrogatePairOrAGrapheme(string what, string text)
    {
        var graphemes = TextElements(text).ToHashSet(StringComparer.Ordinal);
        foreach (var max in new[] { 510, 101, 100, 99, 98, 97 })
        {
            var lines = IrcTextSplitter.Split("PRIVMSG", "#c", text, max, 0);

            lines.Should().OnlyContain(l => Bytes(l) <= max, "{0}, limit {1}", what, max);
            var parts = Parts(lines, "#c");
            foreach (var part in parts)
            {
                var encode = () => StrictUtf8.GetBytes(part);
                encode.Should().NotThrow("{0}: every part is whole UTF-16, so valid UTF-8", what);
                TextElements(part).Should().OnlyContain(e => graphemes.Contains(e), "{0}: no grapheme is cut", what);
            }
            string.Concat(parts).Replace(" ", "", StringComparison.Ordinal).Should().Be(text.Replace(" ", "", StringComparison.Ordinal), what);
        }
    }

    [Fact]
    public void AGraphemeLongerThanALineIsCutBetweenItsCodePoints()
    {
        var zalgo = "a" + string.Concat(Enumerable.Repeat("\u0301", 200)); // one grapheme, 401 bytes

        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", zalgo, 100, 0);

        lines.Should().OnlyContain(l => Bytes(l) <= 100);
        string.Concat(Parts(lines, "#c")).Should().Be(zalgo);
    }

    [Fact]
    public void ALoneSurrogateIsCountedAsTheThreeBytesItIsSentAs()
    {
        var text = string.Concat(Enumerable.Repeat("\uD800", 100));

        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", text, 100, 0);

        lines.Should().OnlyContain(l => Bytes(l) <= 100);
        string.Concat(Parts(lines, "#c")).Should().Be(text);
    }

    [Fact]
    public void ATinyBudgetStillTakesOneCodePointPerLine()
    {
        // "PRIVMSG #c :" is 12 bytes; 16 leaves exactly one four-byte character.
        var lines = IrcTextSplitter.Split("PRIVMSG", "#c", "😀😀😀", 16, 0);

        lines.Should().Equal("PRIVMSG #c :😀", "PRIVMSG #c :😀", "PRIVMSG #c :😀");
    }

    [Fact]
    public void EveryLinePassesTheOutgoingRulesAndParsesBackToItsPart()
    {
        var text = string.Concat(Enumerable.Repeat("Ça va? Très bien ☕😀 :colon; semi ", 60));

        var lines = IrcTextSplitter.Split("PRIVMSG", "#ircstream", text);

        foreach (var line in lines)
        {
            OutgoingLineRules.Validate(line).Should().BeNull(line);
            var message = IrcMessage.Parse(line);
            message.Command.Should().Be("PRIVMSG");
            message.Params.Should().HaveCount(2).And.StartWith("#ircstream");
        }
    }

    [Fact]
    public void EachLineBreakStartsANewLineAndEmptyLinesAreLeftOut()
    {
        IrcTextSplitter.Split("PRIVMSG", "#c", "one\r\ntwo\n\nthree\rfour\n").Should()
            .Equal("PRIVMSG #c :one", "PRIVMSG #c :two", "PRIVMSG #c :three", "PRIVMSG #c :four");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\n")]
    public void AnEmptyTextGivesNoLines(string text)
    {
        IrcTextSplitter.Split("PRIVMSG", "#c", text).Should().BeEmpty();
    }

    [Theory]
    [InlineData("PRIV MSG", "#c", "x")]
    [InlineData("", "#c", "x")]
    [InlineData("PRIVMSG", "", "x")]
    [InlineData("PRIVMSG", "#a b", "x")]
    [InlineData("PRIVMSG", ":c", "x")]
    [InlineData("PRIVMSG", "#c\r", "x")]
    [InlineData("PRIVMSG", "#c", "a\0b")]
    public void RefusesWhatALineCannotCarry(string command, string target, string text)
    {
        var split = () => IrcTextSplitter.Split(command, target, text);

        split.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void RefusesLimitsThatLeaveNoRoomForText()
    {
        var split = () => IrcTextSplitter.Split("PRIVMSG", "#c", "x", 15, 0);

        split.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least 4*");
    }

    private static int Bytes(string line) => Encoding.UTF8.GetByteCount(line);

    private static List<string> Parts(IReadOnlyList<string> lines, string target)
    {
        var prefix = $"PRIVMSG {target} :";
        lines.Should().OnlyContain(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return lines.Select(l => l[prefix.Length..]).ToList();
    }

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) elements.Add(e.GetTextElement());
        return elements;
    }
}

using System.IO.Pipelines;
using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

public sealed class IrcLineFramerTests
{
    private const string TooLong = "<too long>";
    private const int MaxContent = IrcLimits.MaxIncomingLineBytes - 2;

    public static TheoryData<string, byte[], string[]> Streams => new()
    {
        { "CRLF endings", "PING :a\r\nPONG :b\r\n"u8.ToArray(), ["PING :a", "PONG :b"] },
        { "bare LF endings", "PING :a\nPONG :b\n"u8.ToArray(), ["PING :a", "PONG :b"] },
        { "empty lines are skipped", "\r\n\n\r\nPING x\r\n\n"u8.ToArray(), ["PING x"] },
        { "a CR not before LF is kept", "a\rb\r\n"u8.ToArray(), ["a\rb"] },
        { "only one CR before LF is dropped", "a\r\r\n"u8.ToArray(), ["a\r"] },
        { "a line without LF is not a line yet", "PING x\r\nPART"u8.ToArray(), ["PING x"] },
        { "UTF-8 across the stream", "PRIVMSG #c :café ☕ 😀\r\nPRIVMSG #c :ok\r\n"u8.ToArray(), ["PRIVMSG #c :café ☕ 😀", "PRIVMSG #c :ok"] },
        { "Latin-1 line between UTF-8 lines", [.. "A :é\r\n"u8, .. "B :caf"u8, 0xE9, .. "\r\nC :ü\r\n"u8], ["A :é", "B :café", "C :ü"] },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task FramesLinesFromAWholeStream(string what, byte[] stream, string[] expected)
    {
        (await FrameAsync([stream])).Lines.Should().Equal(expected, what);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task JoinsALineSplitAcrossReadsAtEverySplitPoint(string what, byte[] stream, string[] expected)
    {
        for (var split = 1; split < stream.Length; split++)
        {
            (await FrameAsync([stream[..split], stream[split..]])).Lines.Should().Equal(expected, "{0}, split at byte {1}", what, split);
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task JoinsALineDeliveredOneByteAtATime(string what, byte[] stream, string[] expected)
    {
        var chunks = stream.Select(b => new[] { b }).ToArray();

        (await FrameAsync(chunks)).Lines.Should().Equal(expected, what);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void JoinsALineHeldInThreeSegmentsAtEverySplitPair(string what, byte[] stream, string[] expected)
    {
        for (var i = 0; i <= stream.Length; i++)
        {
            for (var j = i; j <= stream.Length; j++)
            {
                var buffer = Segments.Of(stream[..i], stream[i..j], stream[j..]);
                var framer = new IrcLineFramer();
                var lines = new List<string>();
                while (framer.TryReadLine(ref buffer, out var line) == FrameResult.Line) lines.Add(line!);
                lines.Should().Equal(expected, "{0}, segments split at {1} and {2}", what, i, j);
            }
        }
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public async Task ALineAtTheLimitIsDeliveredAndOneByteMoreIsReportedAndSkipped(string ending)
    {
        var atLimit = LineOfLength(MaxContent);
        var overLimit = LineOfLength(MaxContent + 1);
        var stream = Encoding.UTF8.GetBytes(atLimit + ending + overLimit + ending + "PING :after" + ending);

        foreach (var chunk in new[] { 7, 1000, 4096, stream.Length })
        {
            var result = await FrameAsync(stream.Chunk(chunk));
            result.Lines.Should().Equal([atLimit, TooLong, "PING :after"], "chunks of {0} bytes", chunk);
            result.Errors.Should().ContainSingle().Which.Should().Contain(MaxContent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task APeerThatNeverSendsLfIsReportedOnceAndCannotGrowTheBuffer()
    {
        const int chunk = 4096;
        var flood = Enumerable.Repeat(Encoding.ASCII.GetBytes(new string('a', chunk)), 256).ToList(); // 1 MiB, no LF
        flood.Add("tail of the flood\r\nPING :alive\r\n"u8.ToArray());

        var result = await FrameAsync(flood);

        result.Lines.Should().Equal(TooLong, "PING :alive");
        result.MostBytesLeftInPipe.Should().BeLessThanOrEqualTo(IrcLimits.MaxIncomingLineBytes + chunk);
    }

    [Fact]
    public void TooLongSaysWhyInLastError()
    {
        var framer = new IrcLineFramer();
        framer.LastError.Should().BeNull();
        var buffer = Segments.Of(Encoding.ASCII.GetBytes(new string('a', MaxContent + 1) + "\n"));

        framer.TryReadLine(ref buffer, out var line).Should().Be(FrameResult.TooLong);

        line.Should().BeNull();
        framer.LastError.Should().Contain("dropped");
        buffer.Length.Should().Be(0);
    }

    [Fact]
    public async Task TooLongQuotesTheFirst200CharactersOfTheDroppedLineAsDecodedWithItsLength()
    {
        // 13 bytes, so the é that straddles the quoted bytes' end is cut in two.
        const string start = "PRIVMSG #cc :";
        var line = start + new string('é', MaxContent / 2);
        var stream = Encoding.UTF8.GetBytes(line + "\r\nPING :after\r\n");

        // Split inside an é, as a read may be: the quote must still be UTF-8.
        foreach (var chunk in new[] { 7, 201, 4096, stream.Length })
        {
            var result = await FrameAsync(stream.Chunk(chunk));

            result.Lines.Should().Equal([TooLong, "PING :after"], "chunks of {0} bytes", chunk);
            var quoted = line[..IrcLineFramer.QuotedChars];
            var error = result.Errors.Should().ContainSingle().Which;
            error.Should().Contain(quoted).And.NotContain(quoted + "é");
            // A line whose first reads already pass the limit is dropped before its end arrives: only then is its length unknown.
            var length = Encoding.UTF8.GetByteCount(line);
            var readBeforeItsEnd = (length + 1) / chunk * chunk;
            error.Should().Contain(readBeforeItsEnd <= MaxContent ? $"line of {length} bytes" : $"over {MaxContent} bytes", "chunks of {0} bytes", chunk);
        }
    }

    [Fact]
    public async Task AnEndlessLineIsQuotedFromItsStart()
    {
        var flood = Enumerable.Repeat("0123456789"u8.ToArray(), MaxContent / 10 + 1).Prepend(":flood.example NOTICE * :"u8.ToArray());

        var result = await FrameAsync(flood);

        result.Errors.Should().ContainSingle().Which.Should().Contain("without ending the line")
            .And.Contain(":flood.example NOTICE * :0123456789");
    }

    [Fact]
    public void ReturnsNeedMoreDataAndConsumesNothingForAPartialLine()
    {
        var framer = new IrcLineFramer();
        var buffer = Segments.Of("PING :part"u8.ToArray());

        framer.TryReadLine(ref buffer, out var line).Should().Be(FrameResult.NeedMoreData);

        line.Should().BeNull();
        buffer.Length.Should().Be(10);
    }

    /// <summary>A line of exactly <paramref name="length"/> bytes before its line ending, shaped like a tagged message.</summary>
    private static string LineOfLength(int length)
    {
        const string rest = " :srv NOTICE * :x";
        return "@k=" + new string('v', length - 3 - rest.Length) + rest;
    }

    private sealed record Framed(List<string> Lines, List<string> Errors, long MostBytesLeftInPipe);

    /// <summary>
    /// Writes the chunks through a real <see cref="Pipe"/>, reading after each as a connection's read loop does,
    /// and records the lines, the errors and the most bytes the framer ever left unconsumed in the pipe.
    /// </summary>
    private static async Task<Framed> FrameAsync(IEnumerable<byte[]> chunks)
    {
        var ct = TestContext.Current.CancellationToken;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        var framer = new IrcLineFramer();
        var lines = new List<string>();
        var errors = new List<string>();
        long mostLeft = 0;

        async Task DrainAsync()
        {
            var result = await pipe.Reader.ReadAsync(ct);
            var buffer = result.Buffer;
            FrameResult frame;
            while ((frame = framer.TryReadLine(ref buffer, out var line)) != FrameResult.NeedMoreData)
            {
                if (frame == FrameResult.Line)
                {
                    lines.Add(line!);
                }
                else
                {
                    lines.Add(TooLong);
                    errors.Add(framer.LastError!);
                }
            }
            mostLeft = Math.Max(mostLeft, buffer.Length);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        foreach (var chunk in chunks)
        {
            if (chunk.Length == 0) continue;
            await pipe.Writer.WriteAsync(chunk, ct);
            await DrainAsync();
        }
        await pipe.Writer.CompleteAsync();
        await DrainAsync();
        await pipe.Reader.CompleteAsync();
        return new Framed(lines, errors, mostLeft);
    }
}

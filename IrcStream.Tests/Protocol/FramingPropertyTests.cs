using System.Buffers;
using System.Text;
using CsCheck;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Protocol;

/// <summary>
/// Properties of the read path for any bytes a server may send: framing (<see cref="IrcLineFramer"/>) and parsing
/// (<see cref="IrcMessage.Parse"/>, <see cref="IrcMessage.ToString"/>), checked with CsCheck on generated streams
/// cut at generated points. A failure prints the shrunk stream and the seed that reproduces it.
/// </summary>
public sealed class FramingPropertyTests
{
    /// <summary>Bounded so the class runs in well under a second or two on the shared test machine.</summary>
    private const int Iterations = 2_000;

    private const int MaxContent = IrcLimits.MaxIncomingLineBytes - 2;

    /// <summary>Bytes that matter to framing, tags, sources and encodings: line ends, NUL, separators, escapes, UTF-8 lead and continuation bytes and bytes UTF-8 never uses.</summary>
    private static readonly byte[] Special = [.. "\r\n\0 :@;=\\!+,#"u8, 0xC3, 0xA9, 0xE2, 0x98, 0x95, 0xF0, 0x9F, 0x80, 0xC0, 0xFF];

    private static readonly string[] Words = ["PRIVMSG", "NOTICE", "PING", "001", "005", "CAP", "JOIN", "#chan", "nick!user@host", "irc.example", "time=2026-01-01T00:00:00.000Z", "msgid=a\\sb", "+draft/reply", "é", "😀", "caf\u00e9", "\\", "\\:", ""];

    /// <summary>A word, special characters, or any characters at all (lone surrogates, controls).</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.Int[0, Words.Length - 1].Select(i => Words[i])),
        (2, Gen.Int[0, Special.Length - 1].Array[1, 4].Select(picks => Encoding.Latin1.GetString([.. picks.Select(i => Special[i])]))),
        (1, Gen.String));

    /// <summary>A line shaped like a message (<c>@tags :source COMMAND params :trailing</c>), each part from <see cref="Text"/>.</summary>
    private static readonly Gen<string> MessageLike = Gen.Select(
        Gen.Select(Text, Text, (key, value) => $"{key}={value}").Array[0, 3],
        Text.Array[0, 1],
        Gen.Int[0, Words.Length - 1].Select(i => Words[i]),
        Text.Array[0, 4],
        Text.Array[0, 1],
        (tags, source, command, middle, trailing) =>
            (tags.Length > 0 ? "@" + string.Join(';', tags) + " " : "") + string.Concat(source.Select(s => $":{s} ")) + command
            + string.Concat(middle.Select(m => " " + m)) + string.Concat(trailing.Select(t => " :" + t)));

    /// <summary>Something a server might send next: a message-like line, a run of words, arbitrary bytes, special bytes, or a run around the length limit.</summary>
    private static readonly Gen<byte[]> Piece = Gen.Frequency(
        (6, MessageLike.Select(Gen.Int[0, 2], (line, end) => Encoding.UTF8.GetBytes(line + (end switch { 0 => "\r\n", 1 => "\n", _ => "" })))),
        (2, Gen.Int[0, Words.Length - 1].Select(i => Words[i]).Array[1, 8].Select(Gen.Int[0, 3], LineLike)),
        (3, Gen.Byte.Array[0, 40]),
        (3, Gen.Int[0, Special.Length - 1].Select(i => Special[i]).Array[1, 8]),
        (1, Gen.Int[MaxContent - 3, MaxContent + 3].Select(Gen.Int[0, Special.Length - 1], (n, end) => RunOf(n, Special[end]))));

    /// <summary>A stream of pieces, and where the reads cut it (sorted offsets, repeats allowed: an empty read).</summary>
    private static readonly Gen<(byte[] Stream, int[] Cuts)> CutStreams =
        Piece.Array[0, 12].Select(pieces => pieces.SelectMany(p => p).ToArray())
            .SelectMany(stream => Gen.Int[0, stream.Length].Array[0, 16].Select(cuts => (stream, cuts.Order().ToArray())));

    /// <summary>Message-like lines only, each ended by CR-LF, cut anywhere: most of them parse.</summary>
    private static readonly Gen<(byte[] Stream, int[] Cuts)> MessageStreams =
        MessageLike.Array[1, 6].Select(lines => Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\r\n"))))
            .SelectMany(stream => Gen.Int[0, stream.Length].Array[0, 8].Select(cuts => (stream, cuts.Order().ToArray())));

    [Fact]
    public void TheFramerNeverThrowsNeverHoldsMoreThanALineAndFramesAlikeHoweverTheReadsCutTheStream() =>
        CutStreams.Sample((stream, cuts) =>
        {
            var expected = Model(stream);

            var (framed, mostHeld) = Frame(stream, cuts);

            mostHeld.Should().BeLessThan(IrcLimits.MaxIncomingLineBytes, "the framer leaves at most one unfinished line of at most the limit unconsumed");
            framed.Should().Equal(expected);
        }, iter: Iterations, threads: 1, print: Print);

    [Fact]
    public void EveryFramedMessageRoundTripsThroughToStringAndParse() =>
        Gen.Frequency((1, CutStreams), (2, MessageStreams)).Sample((stream, cuts) =>
        {
            foreach (var line in Frame(stream, cuts).Framed)
            {
                if (line is null || !IrcMessage.TryParse(line, out var message)) continue;
                var wire = message.ToString();
                IrcMessage.Parse(wire).Should().Be(message, "the wire form {0} of {1} parses back to the same message", wire, line);
                // And so does the wire form framed again, as the gateway would send it and a server echo it.
                Frame(Encoding.UTF8.GetBytes(wire + "\r\n"), []).Framed.Should().Equal(wire);
            }
        }, iter: Iterations, threads: 1, print: Print);

    [Fact]
    public void AnyTextParsesOrIsRefusedWithoutAnExceptionAndWhatParsesRoundTrips() =>
        Gen.Frequency((3, MessageLike), (1, Gen.String))
            .Sample(line =>
            {
                if (!IrcMessage.TryParse(line, out var message)) return;
                IrcMessage.Parse(message.ToString()).Should().Be(message);
            }, iter: Iterations, threads: 1);

    /// <summary>What the framer must yield, straight from the rules: LF ends a line, one CR before it is dropped, empty lines are skipped, a line over the limit (or an unfinished one already over it) is reported as too long (null).</summary>
    private static List<string?> Model(byte[] stream)
    {
        var framed = new List<string?>();
        var start = 0;
        while (start <= stream.Length)
        {
            var lf = Array.IndexOf(stream, (byte)'\n', start);
            var end = lf < 0 ? stream.Length : lf;
            var content = end - start - (end > start && stream[end - 1] == '\r' ? 1 : 0);
            if (content > MaxContent) framed.Add(null);
            else if (lf >= 0 && content > 0) framed.Add(IrcEncoding.Decode(stream.AsSpan(start, end - start)));
            if (lf < 0) break;
            start = lf + 1;
        }
        return framed;
    }

    /// <summary>Feeds the stream to a framer in the reads <paramref name="cuts"/> makes, keeping the unconsumed bytes as the segments they were, as a pipe does.</summary>
    private static (List<string?> Framed, long MostHeld) Frame(byte[] stream, int[] cuts)
    {
        var framer = new IrcLineFramer();
        var framed = new List<string?>();
        var held = new List<byte[]>();
        long mostHeld = 0;
        var from = 0;
        foreach (var to in cuts.Append(stream.Length))
        {
            held.Add(stream[from..to]);
            from = to;
            var buffer = Segments.Of([.. held]);
            FrameResult result;
            while ((result = framer.TryReadLine(ref buffer, out var line)) != FrameResult.NeedMoreData)
                framed.Add(result == FrameResult.Line ? line : null);
            held = [.. SegmentsOf(buffer)];
            mostHeld = Math.Max(mostHeld, buffer.Length);
        }
        return (framed, mostHeld);
    }

    private static IEnumerable<byte[]> SegmentsOf(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty) yield break;
        foreach (var memory in buffer) yield return memory.ToArray();
    }

    /// <summary>Words joined by a separator (space, nothing, ';', ' :'), sometimes ended by CR-LF or LF.</summary>
    private static byte[] LineLike(string[] words, int shape)
    {
        var separator = shape switch { 0 => " ", 1 => "", 2 => ";", _ => " :" };
        var line = string.Join(separator, words);
        if (shape == 0) line = "@" + line;
        return Encoding.UTF8.GetBytes(shape < 2 ? line + "\r\n" : shape == 2 ? line + "\n" : line);
    }

    private static byte[] RunOf(int length, byte end)
    {
        var run = new byte[length + 1];
        run.AsSpan(0, length).Fill((byte)'a');
        run[length] = end;
        return run;
    }

    private static string Print((byte[] Stream, int[] Cuts) sample) =>
        $"{sample.Stream.Length} bytes cut at [{string.Join(", ", sample.Cuts)}]: {Convert.ToHexString(sample.Stream.Length > 300 ? sample.Stream[..300] : sample.Stream)}";
}

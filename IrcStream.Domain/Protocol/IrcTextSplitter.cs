using System.Globalization;
using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// Splits a long text into <c>PRIVMSG</c>/<c>NOTICE</c> lines that each fit the IRC limit once the server has
/// put the sender's <c>:nick!user@host </c> in front to relay them.
/// </summary>
public static class IrcTextSplitter
{
    /// <summary>
    /// Room left by default for the prefix a server adds when relaying: <c>:</c> + nick (30, InspIRCd's default
    /// NICKLEN) + <c>!</c> + user (a <c>~</c> and 10, the usual USERLEN) + <c>@</c> + host (64, InspIRCd's
    /// maximum) + a space. A caller that knows its own <c>nick!user@host</c> may pass its length + 2 instead.
    /// </summary>
    public const int DefaultReserveBytes = 1 + 30 + 1 + 11 + 1 + 64 + 1;

    /// <summary>Room for any one code point in UTF-8, so every line carries some text.</summary>
    private const int MinTextBytes = 4;

    /// <summary>
    /// The lines <c>{command} {target} :{part}</c> that carry <paramref name="text"/>, each at most
    /// <paramref name="maxLineBytes"/> - <paramref name="reserveBytes"/> UTF-8 bytes (without CRLF).
    /// A cut is never made inside a UTF-8 character or a surrogate pair, and not inside a grapheme (an emoji
    /// sequence, a letter with its accents) unless that grapheme alone is longer than a line. When the part
    /// has a space in its second half, the cut is made there and that one space is dropped, so words stay
    /// whole. Each line break in the text (CR LF, LF or CR) starts a new line; empty lines are left out
    /// (IRC cannot send them), so an empty text gives no lines.
    /// </summary>
    /// <exception cref="ArgumentException">The command or target is not something a line can carry, or the text contains NUL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limits leave no room for text.</exception>
    public static IReadOnlyList<string> Split(
        string command,
        string target,
        string text,
        int maxLineBytes = IrcLimits.MaxLineBytesWithoutCrlf,
        int reserveBytes = DefaultReserveBytes)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(reserveBytes);
        if (!IrcMessageParser.IsCommand(command))
            throw new ArgumentException($"The command '{command}' is not ASCII letters or a numeric.", nameof(command));
        if (target[0] == ':' || target.AsSpan().IndexOfAny(" \r\n\0") >= 0)
            throw new ArgumentException($"The target '{target}' begins with ':' or contains a space, CR, LF or NUL.", nameof(target));
        if (text.Contains('\0'))
            throw new ArgumentException("The text contains NUL, which IRC cannot carry.", nameof(text));

        var prefix = $"{command} {target} :";
        var budget = maxLineBytes - reserveBytes - Encoding.UTF8.GetByteCount(prefix);
        if (budget < MinTextBytes)
            throw new ArgumentOutOfRangeException(nameof(maxLineBytes),
                $"{maxLineBytes} bytes less {reserveBytes} reserved leaves {budget} bytes after '{prefix}'; at least {MinTextBytes} are needed.");

        var lines = new List<string>();
        foreach (var range in text.AsSpan().SplitAny('\r', '\n'))
        {
            // "\r\n" yields an empty piece between CR and LF, skipped like any empty line.
            SplitLine(prefix, text.AsSpan()[range], budget, lines);
        }
        return lines;
    }

    private static void SplitLine(string prefix, ReadOnlySpan<char> text, int budget, List<string> lines)
    {
        while (!text.IsEmpty)
        {
            var fit = Fit(text, budget);
            if (fit == text.Length)
            {
                lines.Add(string.Concat(prefix, text));
                return;
            }
            var cut = fit;
            var next = fit;
            var space = text[..fit].LastIndexOf(' ');
            if (space > 0 && Encoding.UTF8.GetByteCount(text[..space]) >= budget / 2)
            {
                cut = space;
                next = space + 1;
            }
            lines.Add(string.Concat(prefix, text[..cut]));
            text = text[next..];
        }
    }

    /// <summary>How many chars from the start fit in <paramref name="budget"/> bytes, ending on a grapheme boundary when one fits.</summary>
    private static int Fit(ReadOnlySpan<char> text, int budget)
    {
        var chars = 0;
        var bytes = 0;
        while (chars < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text[chars..]);
            var size = Encoding.UTF8.GetByteCount(text.Slice(chars, length));
            if (bytes + size > budget) break;
            chars += length;
            bytes += size;
        }
        if (chars > 0) return chars;

        // A single grapheme longer than the line: cut between its code points instead.
        while (chars < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text[chars..], out var rune, out var consumed);
            // A lone surrogate goes out as U+FFFD, three bytes, as Encoding.UTF8 writes it.
            var size = status == System.Buffers.OperationStatus.Done ? rune.Utf8SequenceLength : 3;
            if (bytes + size > budget) break;
            chars += consumed;
            bytes += size;
        }
        return chars;
    }
}

namespace IrcStream.Benchmarks.Protocol;

/// <summary>The four kinds of line a gateway receives most, as a modern network sends them.</summary>
public enum LineKind
{
    TaggedPrivmsg,
    Names353,
    Join,
    Ping,
}

public static class SampleLines
{
    public const string TaggedPrivmsg =
        "@time=2026-11-25T17:00:00.123Z;msgid=lQY8Z8kRSHq3bI1Hd7Xc1A;account=bob " +
        ":bob!~bob@user/bob/x-7a1c PRIVMSG #ircstream :did anyone try the new SSE transport behind nginx yet?";

    public const string Names353 =
        ":copper.libera.chat 353 alice = #ircstream :alice @bob +carol dave erin frank grace heidi ivan judy " +
        "mallory niaj olivia peggy rupert sybil trent victor walter";

    public const string Join = ":carol!~carol@203.0.113.7 JOIN #ircstream";

    public const string Ping = "PING :copper.libera.chat";

    public static string For(LineKind kind) => kind switch
    {
        LineKind.TaggedPrivmsg => TaggedPrivmsg,
        LineKind.Names353 => Names353,
        LineKind.Join => Join,
        LineKind.Ping => Ping,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a sample line."),
    };

    /// <summary>The four lines in turn, each ended by CR-LF, <paramref name="lines"/> lines in all.</summary>
    public static byte[] Stream(int lines)
    {
        LineKind[] kinds = [LineKind.TaggedPrivmsg, LineKind.Names353, LineKind.Join, LineKind.Ping];
        var cycle = kinds.Select(k => System.Text.Encoding.UTF8.GetBytes(For(k) + "\r\n")).ToArray();
        using var stream = new MemoryStream();
        for (var i = 0; i < lines; i++) stream.Write(cycle[i % cycle.Length]);
        return stream.ToArray();
    }
}

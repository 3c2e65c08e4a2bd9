using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Diagnostics;

public static class EventStreamReading
{
    /// <summary>Reads events until one whose data holds <paramref name="text"/>; fails with what did arrive when the stream ends first.</summary>
    public static async Task ReadUntilAsync(this EventStreamReader stream, string text, TimeSpan patience)
    {
        var seen = new List<string>();
        while (await stream.NextEventAsync(patience) is { } item)
        {
            if (item.Data.Contains(text, StringComparison.Ordinal)) return;
            seen.Add(item.Data);
        }
        throw new InvalidOperationException($"The stream ended before '{text}'; saw {string.Join(" | ", seen)}");
    }
}

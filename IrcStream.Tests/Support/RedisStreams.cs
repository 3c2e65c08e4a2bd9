using StackExchange.Redis;

namespace IrcStream.Tests.Support;

/// <summary>What a Redis that failed over to a replica does to a stream: the replica never got the newest entries.</summary>
internal static class RedisStreams
{
    /// <summary>
    /// Rebuilds the stream with only its oldest <paramref name="count"/> entries, so its newest id is theirs (XDEL alone
    /// would keep the stream's last id, and refuse those ids again, which a promoted replica never does).
    /// </summary>
    public static async Task KeepOldestAsync(IDatabase db, RedisKey stream, int count)
    {
        var kept = (await db.StreamRangeAsync(stream, "-", "+")).Take(count).ToArray();
        await db.KeyDeleteAsync(stream);
        foreach (var entry in kept) await db.StreamAddAsync(stream, entry.Values, entry.Id);
    }
}

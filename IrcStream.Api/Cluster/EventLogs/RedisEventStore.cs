using System.Globalization;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>What a fenced append did.</summary>
internal enum AppendOutcome
{
    /// <summary>The events are in the stream (or were already: a retried batch adds nothing twice).</summary>
    Appended,

    /// <summary>The lease holds another node's token: nothing was written, and nothing may be again.</summary>
    LeaseLost,

    /// <summary>
    /// Nobody holds the lease (it expired while Redis was away or slow): nothing was written yet. The owner's next
    /// renewal takes it again where nobody else wrote meanwhile, and the same events go in then.
    /// </summary>
    LeaseVacant,

    /// <summary>
    /// The stream ends before what the writer had appended (a failed-over primary lost its newest entries): nothing was
    /// written; <see cref="AppendResult.Top"/> is where the stream ends, and the writer appends again from there.
    /// </summary>
    Behind,
}

/// <summary>What a fenced append did, and the stream's newest seq after it (where it ends, for <see cref="AppendOutcome.Behind"/>).</summary>
internal readonly record struct AppendResult(AppendOutcome Outcome, long Top);

/// <summary>
/// The Redis side of event logs: one stream per connection whose entry ids are <c>{seq}-0</c>, each entry holding the
/// event's type (<c>t</c>) and its JSON (<c>j</c>) exactly as it was serialised once on append. Appends are one Lua
/// script fenced by the owner's lease token; it also trims to the retention and publishes the wake-up on the node
/// channel, so an append is one round trip. A read is two commands sent together (XRANGE, then the end mark).
/// </summary>
/// <remarks>
/// The gap rule is the in-memory log's: a seq the stream does not hold between the resume point and the first event
/// it holds after it (trimmed by retention, or never appended because the owner's hold overflowed while Redis was
/// away) is reported as one gap event from..to, counted in the batch.
/// </remarks>
internal sealed class RedisEventStore(IConnectionMultiplexer redis, RedisKeys keys, int capacity, TimeProvider time, ClusterMetrics metrics)
{

    public int Capacity => capacity;

    /// <summary>Where this store and the logs that append through it count their round trips, failures and losses.</summary>
    public ClusterMetrics Metrics => metrics;

    /// <summary>
    /// Appends <paramref name="events"/> (rising seqs) while the lease holds <paramref name="token"/> and the stream
    /// holds everything up to <paramref name="appended"/> (the newest seq this writer appended before); with
    /// <paramref name="endAfter"/> the log is also marked complete, and its keys expire after that time.
    /// </summary>
    public async Task<AppendResult> AppendAsync(string connectionId, string token, long appended, IReadOnlyList<StoredEvent> events, TimeSpan? endAfter = null)
    {
        var keyList = new RedisKey[] { keys.Log(connectionId), keys.Lease(connectionId), keys.LogEnd(connectionId) };
        const int First = 6;
        var args = new RedisValue[First + events.Count * 3];
        args[0] = token;
        args[1] = capacity;
        args[2] = keys.Events.ToString();
        args[3] = connectionId;
        args[4] = endAfter is { } ttl ? Math.Max(1, (long)ttl.TotalMilliseconds) : 0;
        args[5] = appended;
        for (var i = 0; i < events.Count; i++)
        {
            args[First + i * 3] = events[i].Seq;
            args[First + 1 + i * 3] = events[i].Type;
            args[First + 2 + i * 3] = events[i].Json;
        }
        var started = ClusterMetrics.Start();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.EventAppend, keyList, args).ConfigureAwait(false))!;
        metrics.Measured("append", started);
        var outcome = (long)result[0] switch
        {
            0 => AppendOutcome.Appended,
            -2 => AppendOutcome.LeaseVacant,
            -3 => AppendOutcome.Behind,
            _ => AppendOutcome.LeaseLost,
        };
        return new AppendResult(outcome, (long)result[1]);
    }

    /// <summary>
    /// The events after <paramref name="after"/>, at most <paramref name="max"/> (a leading gap counted), and whether the
    /// log has ended there: <c>XRANGE</c> and then <c>GET end</c>, sent together without waiting in between. Not one
    /// script: Lua would copy every entry into its own tables and out again, which measured five times the plain
    /// command's cost on Redis's one thread. Nothing needs the two read together: the end mark is set with the last
    /// append, so a mark read after the entries that names a seq beyond them only says the log goes on.
    /// </summary>
    public async Task<EventBatch> ReadAfterAsync(string connectionId, long after, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        after = Math.Max(0, after);
        var started = ClusterMetrics.Start();
        var db = redis.GetDatabase();
        var reading = db.StreamRangeAsync(keys.Log(connectionId), StreamId(after + 1), "+", max);
        var ending = db.StringGetAsync(keys.LogEnd(connectionId));
        var entries = await reading.ConfigureAwait(false);
        var endMark = await ending.ConfigureAwait(false);
        metrics.Measured("read", started);
        var end = endMark.IsNull ? (long?)null : (long)endMark;

        var events = new List<StoredEvent>(Math.Min(entries.Length + 1, max));
        var next = after + 1;
        foreach (var entry in entries)
        {
            var seq = SeqOf(entry.Id!);
            if (seq > next)
            {
                events.Add(StoredEvent.From(new GapEvent(next, seq - 1, time.GetUtcNow())));
                if (events.Count == max) break;
            }
            events.Add(ToStoredEvent(seq, entry.Values));
            next = seq + 1;
            if (events.Count == max) break;
        }
        var completed = end is { } last && next > last;
        return new EventBatch(events, completed);
    }

    /// <summary>The newest seq the stream holds (0 when none): where an owner taking over a log goes on from.</summary>
    public async Task<long> LastSeqAsync(string connectionId)
    {
        var newest = await redis.GetDatabase().StreamRangeAsync(keys.Log(connectionId), "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return newest.Length == 0 ? 0 : SeqOf(newest[0].Id!);
    }

    private static StoredEvent ToStoredEvent(long seq, NameValueEntry[] fields)
    {
        string? type = null;
        byte[]? json = null;
        foreach (var field in fields)
        {
            if (field.Name == "t") type = field.Value;
            else if (field.Name == "j") json = field.Value;
        }
        if (type is null || json is null) throw new InvalidDataException($"Stream entry {seq}-0 lacks its type or JSON.");
        return new StoredEvent(seq, type, json);
    }

    private static string StreamId(long seq) => seq.ToString(CultureInfo.InvariantCulture) + "-0";

    /// <summary>The seq of a stream entry: its id is <c>{seq}-0</c>.</summary>
    internal static long SeqOf(string streamId)
    {
        var dash = streamId.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? streamId : streamId[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}

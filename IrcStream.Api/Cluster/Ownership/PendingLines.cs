using IrcStream.Api.Configuration;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// The user's lines that a node accepted (<c>202</c>) and has not written to the IRC server yet, kept in Redis so that
/// a node taking the connection over after a crash can tell the user which were not sent, instead of dropping them
/// silently or sending them twice. <c>{prefix}:{id}:pending</c> is a sorted set of the lines by their number (the
/// connection numbers the user's lines as it queues them), <c>{prefix}:{id}:written</c> the highest number written: the
/// request adds its lines before it answers, the writer loop moves the mark after each socket write (fire and forget),
/// and a line at or below the mark is never added, whichever comes first.
/// </summary>
/// <remarks>
/// Cost: one more Redis round trip per <c>POST /lines</c> (the answer waits for it), and one fire-and-forget command
/// per socket write that carried user lines. A mark lost with a crash (written, but the node died before the command
/// reached Redis) makes those few lines reported as not sent although they were.
/// </remarks>
internal sealed class PendingLines(IConnectionMultiplexer redis, RedisKeys keys, ConnectionLeases leases, IOptions<IrcStreamOptions> options)
{

    private readonly IDatabase _db = redis.GetDatabase();

    // They go with the connection's record: a session's idle timeout past its owner's last word.
    private readonly long _ttlMilliseconds = (long)(options.Value.SessionIdleTimeout + options.Value.Redis.LeaseTimeout).TotalMilliseconds;

    /// <summary>Keeps <paramref name="lines"/>, numbered up to <paramref name="lastNumber"/>, until they are written; only while this node holds the lease.</summary>
    public async Task AddAsync(string connectionId, long lastNumber, IReadOnlyList<string> lines)
    {
        if (leases.TokenOf(connectionId) is not { } token || lines.Count == 0) return;
        var first = lastNumber - lines.Count + 1;
        await Add(_db, connectionId, token, lines.Select((line, i) => new NumberedLine(first + i, line))).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts back, after Redis lost its data or went back to an older copy (<see cref="RedisRebuild"/>), what the owner
    /// holds in memory: the written mark moves up to <see cref="UnwrittenLines.WrittenUpTo"/> (never down: a mark the
    /// writer moved meanwhile stays), the lines at or below it go, and the lines still unwritten are kept again, fenced
    /// by <paramref name="token"/>. Queued on <paramref name="target"/> (a batch) after the lease is back.
    /// </summary>
    public Task[] Restore(IDatabaseAsync target, string connectionId, string token, UnwrittenLines unwritten) =>
    [
        target.ScriptEvaluateAsync(RedisScripts.LinesWritten, [keys.PendingLines(connectionId), keys.LinesWritten(connectionId)], [unwritten.WrittenUpTo, _ttlMilliseconds]),
        unwritten.Lines.Count == 0 ? Task.CompletedTask : Add(target, connectionId, token, unwritten.Lines),
    ];

    private Task<RedisResult> Add(IDatabaseAsync target, string connectionId, string token, IEnumerable<NumberedLine> lines)
    {
        RedisValue[] args =
        [
            token, _ttlMilliseconds,
            // Kept only to say which lines were not sent: a password or code they carry stays out of Redis.
            .. lines.SelectMany(line => new RedisValue[] { line.Number, SecretLines.Hide(line.Text) }),
        ];
        return target.ScriptEvaluateAsync(RedisScripts.LinesAdd, [keys.Lease(connectionId), keys.PendingLines(connectionId), keys.LinesWritten(connectionId)], args);
    }

    /// <summary>Lines up to <paramref name="number"/> reached the server (called on the writer loop: it does not wait).</summary>
    public void Written(string connectionId, long number) =>
        _db.ScriptEvaluate(RedisScripts.LinesWritten, [keys.PendingLines(connectionId), keys.LinesWritten(connectionId)], [number, _ttlMilliseconds], CommandFlags.FireAndForget);

    /// <summary>The lines accepted and never written, in order, removing them (and the mark) from Redis.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync(string connectionId)
    {
        var result = await _db.ScriptEvaluateAsync(RedisScripts.LinesTake, [keys.PendingLines(connectionId), keys.LinesWritten(connectionId)]).ConfigureAwait(false);
        return ((RedisResult[])result!).Select(r => (string)r!).Select(member => member[(member.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToArray();
    }
}

using IrcStream.Api.Cluster;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// What the new owner's RECONNECTING says about events the previous owner read and never stored. A stopping node waits
/// only briefly for its log to reach Redis; under load the newest events may not, and the chaos test found such a line
/// missing from every log with nothing said about it. The stopping node now writes how far it read into the record.
/// </summary>
public sealed class TakeoverNoticeTests
{
    [Fact]
    public void AHandoverIsSilentOnlyWhereTheStreamReachesWhatTheStoppingNodeRead()
    {

        ConnectionTakeover.StoredAll(ConnectionTakeover.Handover, handedAt(40), lastSeq: 40).Should().BeTrue();
        ConnectionTakeover.StoredAll(ConnectionTakeover.Handover, handedAt(42), lastSeq: 40).Should().BeFalse(
            "events 41 and 42 were read by the stopping node and never reached Redis: the new owner says so");
        ConnectionTakeover.StoredAll(ConnectionTakeover.Handover, handedAt(null), lastSeq: 40).Should().BeTrue("a node of an earlier version wrote nothing");

        static ConnectionRecord handedAt(long? seq)
        {
            HashEntry[] entries = seq is { } s ? [new("server", "127.0.0.1:6667"), ConnectionRecord.Received(s)] : [new("server", "127.0.0.1:6667")];
            return ConnectionRecord.From("c1", entries)!;
        }
    }

    [Fact]
    public void AnOwnerThatStoppedRenewingOrLetGoIsAlwaysSaidToHaveMaybeReadMore()
    {
        var record = ConnectionRecord.From("c1", [new("server", "127.0.0.1:6667"), ConnectionRecord.Received(10)])!;

        ConnectionTakeover.StoredAll(ConnectionTakeover.Crash, record, lastSeq: 40).Should().BeFalse("a crash says nothing of how far it read; an old handover's mark is not its");
        ConnectionTakeover.StoredAll(ConnectionTakeover.RedisAway, record, lastSeq: 40).Should().BeFalse();
    }
}

using System.Buffers.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>What a load client wants from one gateway event, read without allocating: its seq, type and the pump's timestamp.</summary>
public readonly record struct ReceivedEvent(long Seq, EventKind Kind, long SentTimestamp, long GapFrom, long GapTo);

public enum EventKind { Other, Message, Status, Gap, KeepAlive, Registered }

/// <summary>
/// A lean Server-Sent Events reader for the harness: it splits the stream into events at blank lines and
/// looks only at <c>id</c>, <c>event</c> and <c>data</c>, so the client's share of the CPU stays small next
/// to the gateway's. Only what the gateway writes is handled: one <c>data</c> line per event, LF line ends.
/// </summary>
public sealed class SseEventReader
{
    private const int BufferBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _start;
    private int _end;
    private long _id;
    private EventKind _kind;
    private long _sent;
    private long _gapFrom;
    private long _gapTo;
    private bool _any;

    /// <summary>Reads events until <paramref name="onEvent"/> returns false (true) or the stream ends (false).</summary>
    public async Task<bool> ReadAsync(Stream stream, Func<ReceivedEvent, bool> onEvent, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start > 0 && _start == _end) _start = _end = 0;
            if (_end == _buffer.Length)
            {
                if (_start == 0) throw new InvalidDataException($"An SSE line is longer than {BufferBytes} bytes.");
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return false;
            _end += read;
            if (!Consume(onEvent)) return true;
        }
    }

    /// <summary>Feeds whole lines from the buffer; false when the handler asked to stop.</summary>
    private bool Consume(Func<ReceivedEvent, bool> onEvent)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline < 0) return true;
            var line = pending[..newline];
            _start += newline + 1;
            if (line.IsEmpty)
            {
                if (!_any) continue;
                var received = new ReceivedEvent(_id, _kind, _sent, _gapFrom, _gapTo);
                _any = false;
                _kind = EventKind.Other;
                _sent = _gapFrom = _gapTo = 0;
                if (!onEvent(received)) return false;
                continue;
            }
            Field(line);
        }
    }

    private void Field(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':') return;
        _any = true;
        if (line.StartsWith("id: "u8))
        {
            Utf8Parser.TryParse(line[4..], out _id, out _);
        }
        else if (line.StartsWith("event: "u8))
        {
            _kind = Kind(line[7..]);
        }
        else if (line.StartsWith("data: "u8))
        {
            var data = line[6..];
            _sent = EventData.SentTimestamp(data);
            if (_kind == EventKind.Status && data.IndexOf(EventData.RegisteredStatus) >= 0) _kind = EventKind.Registered;
            if (_kind == EventKind.Gap)
            {
                _gapFrom = EventData.Number(data, "\"from\":"u8);
                _gapTo = EventData.Number(data, "\"to\":"u8);
            }
        }
    }

    public static EventKind Kind(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("message"u8) ? EventKind.Message
        : type.SequenceEqual("status"u8) ? EventKind.Status
        : type.SequenceEqual("gap"u8) ? EventKind.Gap
        : type.SequenceEqual("keepalive"u8) ? EventKind.KeepAlive
        : EventKind.Other;
}

/// <summary>Finds the few values the harness needs in an event's JSON, by their exact spelling in the gateway's output.</summary>
public static class EventData
{
    /// <summary>The trailing parameter of a timed line starts with this, then the pump's <c>Stopwatch</c> timestamp.</summary>
    public const string TimedPrefix = "sent ";

    private static ReadOnlySpan<byte> TimedMarker => "\"sent "u8;

    /// <summary>The status event after the welcome: from here on the connection's log holds only what the pump sends.</summary>
    public static ReadOnlySpan<byte> RegisteredStatus => "\"status\":\"REGISTERED\""u8;

    /// <summary>The pump's send timestamp carried in the event, or 0.</summary>
    public static long SentTimestamp(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf(TimedMarker);
        return at >= 0 && Utf8Parser.TryParse(json[(at + TimedMarker.Length)..], out long stamp, out _) ? stamp : 0;
    }

    /// <summary>The number after <paramref name="property"/> (e.g. <c>"seq":</c>), or 0.</summary>
    public static long Number(ReadOnlySpan<byte> json, ReadOnlySpan<byte> property)
    {
        var at = json.IndexOf(property);
        return at >= 0 && Utf8Parser.TryParse(json[(at + property.Length)..], out long n, out _) ? n : 0;
    }
}

using System.IO.Pipelines;
using IrcStream.Domain.Protocol;

namespace IrcStream.Benchmarks.Protocol;

/// <summary>What a connection's read loop does with its socket: frame lines out of a pipe and parse each one.</summary>
public static class FrameAndParse
{
    /// <summary>Reads <paramref name="reader"/> to its end and returns how many lines parsed as IRC messages.</summary>
    public static async Task<long> CountMessagesAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var framer = new IrcLineFramer();
        long messages = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, out var line) != FrameResult.NeedMoreData)
            {
                if (line is not null && IrcMessage.TryParse(line, out _)) messages++;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled) break;
        }
        await reader.CompleteAsync();
        return messages;
    }
}

using System.Buffers;
using System.IO.Pipelines;

namespace IrcStream.Api.Streaming;

/// <summary>
/// A write-only stream over a response's <see cref="PipeWriter"/> that only copies bytes into the pipe: nothing
/// reaches the client until <see cref="FlushPipeAsync"/>. A writer that flushes after every item (as
/// <c>SseFormatter</c> does through a response stream) thereby leaves the choice of when to flush to its caller.
/// </summary>
internal sealed class UnflushedPipeStream(PipeWriter pipe) : Stream
{
    /// <summary>Bytes in the pipe since the last <see cref="FlushPipeAsync"/>.</summary>
    public long UnflushedBytes { get; private set; }

    public async ValueTask FlushPipeAsync(CancellationToken cancellationToken)
    {
        UnflushedBytes = 0;
        await pipe.FlushAsync(cancellationToken);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pipe.Write(buffer);
        UnflushedBytes += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <summary>Deliberately nothing: flushing is <see cref="FlushPipeAsync"/>'s, called when no further event is ready.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

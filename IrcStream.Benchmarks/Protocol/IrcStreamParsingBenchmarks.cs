using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;

namespace IrcStream.Benchmarks.Protocol;

/// <summary>
/// Frames and parses a 10 MiB stream of the four sample lines through a <see cref="PipeReader"/> with its
/// default 4 KiB reads, so lines straddle reads as they do on a socket. Results are per line.
/// </summary>
[MemoryDiagnoser]
public class IrcStreamParsingBenchmarks
{
    /// <summary>Enough of the four sample lines (101 bytes on average with CR-LF) to pass 10 MiB; checked in setup.</summary>
    public const int Lines = 110_000;

    private const int TenMiB = 10 * 1024 * 1024;

    private byte[] _stream = [];

    [GlobalSetup]
    public void Setup()
    {
        _stream = SampleLines.Stream(Lines);
        if (_stream.Length < TenMiB)
            throw new InvalidOperationException($"The stream is {_stream.Length} bytes, under 10 MiB: raise {nameof(Lines)}.");
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public async Task<long> FrameAndParseLine()
    {
        var reader = PipeReader.Create(new MemoryStream(_stream, writable: false));
        var parsed = await FrameAndParse.CountMessagesAsync(reader, CancellationToken.None);
        if (parsed != Lines) throw new InvalidOperationException($"Parsed {parsed} of {Lines} lines.");
        return parsed;
    }
}

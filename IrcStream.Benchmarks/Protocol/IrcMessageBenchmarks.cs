using BenchmarkDotNet.Attributes;
using IrcStream.Domain.Protocol;

namespace IrcStream.Benchmarks.Protocol;

/// <summary>Parse and format one line of each common kind; the input string exists beforehand, as the framer made it.</summary>
[MemoryDiagnoser]
public class IrcMessageBenchmarks
{
    private string _line = "";
    private IrcMessage _message = null!;

    [Params(LineKind.TaggedPrivmsg, LineKind.Names353, LineKind.Join, LineKind.Ping)]
    public LineKind Line { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _line = SampleLines.For(Line);
        _message = IrcMessage.Parse(_line);
        if (!IrcMessage.Parse(_message.ToString()).Equals(_message))
            throw new InvalidOperationException($"The {Line} sample does not round-trip: '{_message}'.");
    }

    [Benchmark]
    public IrcMessage Parse() => IrcMessage.Parse(_line);

    [Benchmark]
    public string Format() => _message.ToString();
}

using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using IrcStream.Api.Configuration;
using IrcStream.Api.Guard;

namespace IrcStream.Benchmarks.Guard;

/// <summary>What the gateway spends judging one proof-of-work answer: signature, expiry and the work (one SHA-256), at the default difficulty.</summary>
[MemoryDiagnoser]
public class ProofOfWorkBenchmarks
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private string _token = "";
    private string _nonce = "";
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = DateTimeOffset.UtcNow;
        _token = ProofOfWork.Issue(_key, _now.AddMinutes(2), HumanCheckDefaults.Difficulty);
        for (var nonce = 0L; ; nonce++)
        {
            _nonce = nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (ProofOfWork.LeadingZeroBits(_token, _nonce) >= HumanCheckDefaults.Difficulty) break;
        }
        if (!Verify()) throw new InvalidOperationException("The solved sample does not pass.");
    }

    [Benchmark]
    public bool Verify() => ProofOfWork.Check(_key, _token, _nonce, _now, out _, out _) == ProofOutcome.Passed;

    [Benchmark]
    public string Issue() => ProofOfWork.Issue(_key, _now.AddMinutes(2), HumanCheckDefaults.Difficulty);
}

using System.Net;
using BenchmarkDotNet.Attributes;
using IrcStream.Api.Configuration;
using IrcStream.Api.Guard;
using IrcStream.Benchmarks.Load;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IrcStream.Benchmarks.Guard;

/// <summary>
/// What the block lists cost a session's first connection once their answers are cached: <see cref="Dnsbl.CheckAsync"/>
/// for an address both zones (one deny, one verify) have answered about, as the create route asks it. The loopback DNS
/// server answers the set-up's first look-ups; the measured calls must not reach it.
/// </summary>
[MemoryDiagnoser]
public class DnsblBenchmarks
{
    private readonly IPAddress _address = IPAddress.Parse("198.51.100.7");
    private LoopbackDnsServer? _dns;
    private Dnsbl? _dnsbl;
    private int _asked;

    [GlobalSetup]
    public void Setup()
    {
        _dns = LoopbackDnsServer.Start();
        var options = new IrcStreamOptions();
        options.Dnsbl.Deny.Add("deny.bench");
        options.Dnsbl.Verify.Add("verify.bench");
        options.Dnsbl.Servers.Add(_dns.Endpoint);
        _dnsbl = new Dnsbl(Options.Create(options), TimeProvider.System, NullLogger<Dnsbl>.Instance);
        if (_dnsbl.CheckAsync(_address, CancellationToken.None).GetAwaiter().GetResult().Outcome != DnsblOutcome.Clean) throw new InvalidOperationException("The set-up's look-up did not answer 'not listed'.");
        _asked = _dns.Queries.Count;
    }

    [Benchmark]
    public Task WarmCheck() => _dnsbl!.CheckAsync(_address, CancellationToken.None);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_dns!.Queries.Count != _asked) throw new InvalidOperationException($"The measured checks asked the DNS server {_dns.Queries.Count - _asked} times: the cache was not warm.");
        _dns.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

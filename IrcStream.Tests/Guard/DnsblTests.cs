using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Api.Guard;
using IrcStream.Benchmarks.Load;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Guard;

/// <summary>DNS block list look-ups against a DNS server on loopback: listings, the cache and its TTLs, a server that never answers.</summary>
public sealed class DnsblTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dnsbl Dnsbl(LoopbackDnsServer dns, TimeProvider time, Action<DnsblOptions>? configure = null)
    {
        var options = new IrcStreamOptions();
        options.Dnsbl.Deny.Add("deny.test");
        options.Dnsbl.Verify.Add("verify.test");
        options.Dnsbl.Servers.Add(dns.Endpoint);
        configure?.Invoke(options.Dnsbl);
        return new Dnsbl(Options.Create(options), time, NullLogger<Dnsbl>.Instance);
    }

    [Theory]
    [InlineData("198.51.100.7", "7.100.51.198.dnsbl.test")]
    [InlineData("::ffff:198.51.100.7", "7.100.51.198.dnsbl.test")]
    [InlineData("2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.dnsbl.test")]
    public void TheQueryNameIsTheAddressReversed(string address, string name) =>
        IrcStream.Api.Guard.Dnsbl.QueryName(IPAddress.Parse(address), "dnsbl.test.").Should().Be(name);

    [Fact]
    public async Task AListingInADenyZoneDeniesAndInAVerifyZoneAsksForTheCheck()
    {
        await using var dns = LoopbackDnsServer.Start();
        dns.Add("7.100.51.198.deny.test", "127.0.0.2");
        dns.Add("8.100.51.198.verify.test", "127.0.0.4");
        dns.Add("9.100.51.198.deny.test", "127.255.255.254");
        var dnsbl = Dnsbl(dns, TimeProvider.System, o => o.Timeout = TimeSpan.FromSeconds(5));

        (await dnsbl.CheckAsync(IPAddress.Parse("198.51.100.7"), Token)).Should().Be(new DnsblVerdict(DnsblOutcome.Listed, "deny.test"));
        (await dnsbl.CheckAsync(IPAddress.Parse("198.51.100.8"), Token)).Should().Be(new DnsblVerdict(DnsblOutcome.Verify, "verify.test"));
        (await dnsbl.CheckAsync(IPAddress.Parse("198.51.100.10"), Token)).Should().Be(new DnsblVerdict(DnsblOutcome.Clean));
        (await dnsbl.CheckAsync(IPAddress.Parse("198.51.100.9"), Token)).Outcome.Should().Be(DnsblOutcome.Unknown, "127.255.255.x is a list's error code, not a listing");
    }

    [Fact]
    public async Task AnswersAreKeptForTheirTtlThenAskedAgain()
    {
        await using var dns = LoopbackDnsServer.Start();
        dns.NegativeTtl.Should().Be(300);
        dns.Add("7.100.51.198.deny.test", "127.0.0.2", ttl: 600);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dnsbl = Dnsbl(dns, time, o => o.Timeout = TimeSpan.FromSeconds(5));
        var listed = IPAddress.Parse("198.51.100.7");

        (await dnsbl.CheckAsync(listed, Token)).Outcome.Should().Be(DnsblOutcome.Listed);
        var asked = dns.Queries.Count;
        asked.Should().Be(2, "one query per zone");

        time.Advance(TimeSpan.FromSeconds(299));
        (await dnsbl.CheckAsync(listed, Token)).Outcome.Should().Be(DnsblOutcome.Listed);
        dns.Queries.Count.Should().Be(asked, "both answers are still fresh: no DNS at all");

        time.Advance(TimeSpan.FromSeconds(2));
        (await dnsbl.CheckAsync(listed, Token)).Outcome.Should().Be(DnsblOutcome.Listed);
        dns.Queries.Should().HaveCount(asked + 1).And.EndWith("7.100.51.198.verify.test", "the 300 s 'not listed' answer expired, the 600 s listing did not");

        time.Advance(TimeSpan.FromSeconds(300));
        (await dnsbl.CheckAsync(listed, Token)).Outcome.Should().Be(DnsblOutcome.Listed);
        dns.Queries.Should().HaveCount(asked + 3);
    }

    [Fact]
    public async Task ADnsServerThatNeverAnswersCostsTheConfiguredWaitAndNoMore()
    {
        await using var dns = LoopbackDnsServer.StartSilent();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dnsbl = Dnsbl(dns, time, o => o.Timeout = TimeSpan.FromSeconds(1));

        var check = dnsbl.CheckAsync(IPAddress.Parse("198.51.100.7"), Token);
        check.IsCompleted.Should().BeFalse("nothing answered yet");
        time.Advance(TimeSpan.FromMilliseconds(999));
        check.IsCompleted.Should().BeFalse("the wait is not over");
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await check.WaitAsync(TimeSpan.FromSeconds(10), Token)).Outcome.Should().Be(DnsblOutcome.Unknown);
        dnsbl.CachedAnswers.Should().Be(0, "no answer is no answer to keep");
    }
}

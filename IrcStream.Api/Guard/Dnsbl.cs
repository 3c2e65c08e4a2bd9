using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using DnsClient;
using DnsClient.Protocol;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Guard;

/// <summary>What the block lists say about an address; <see cref="Zone"/> names the list behind a listing.</summary>
internal readonly record struct DnsblVerdict(DnsblOutcome Outcome, string? Zone = null);

internal enum DnsblOutcome
{
    /// <summary>No list names the address.</summary>
    Clean,
    /// <summary>A deny zone names it.</summary>
    Listed,
    /// <summary>A verify zone names it: the human check first.</summary>
    Verify,
    /// <summary>A list did not answer in time or failed, and no other list named the address.</summary>
    Unknown,
}

/// <summary>
/// Asks the configured DNS block lists about an address (<c>7.100.51.198.zone</c>, IPv6 as 32 reversed nibbles), all
/// zones at once and for at most <see cref="DnsblOptions.Timeout"/> together, and keeps each answer for its TTL
/// (a "not listed" for the zone's negative TTL from its SOA), so a warm cache answers without DNS.
/// </summary>
internal sealed class Dnsbl
{
    /// <summary>Answers are kept at least this long (a TTL of 0 would mean a query per connection) and at most this long.</summary>
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(30), MaxTtl = TimeSpan.FromHours(1);

    /// <summary>Past this many cached answers, expired ones are swept out before another is added.</summary>
    private const int SweepAbove = 100_000;

    private readonly DnsblOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Dnsbl> _logger;
    private readonly LookupClient _client;
    private readonly ConcurrentDictionary<(string Zone, IPAddress Address), Answer> _cache = new();

    public Dnsbl(IOptions<IrcStreamOptions> options, TimeProvider time, ILogger<Dnsbl> logger)
    {
        _options = options.Value.Dnsbl;
        _time = time;
        _logger = logger;
        var servers = _options.Servers.Select(ParseServer).ToArray();
        var lookup = servers.Length > 0 ? new LookupClientOptions(servers) : new LookupClientOptions();
        lookup.UseCache = false;
        lookup.Retries = 0;
        lookup.Timeout = _options.Timeout;
        lookup.ThrowDnsErrors = false;
        lookup.UseTcpFallback = false;
        _client = new LookupClient(lookup);
    }

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>How many answers are cached now (tests and diagnostics).</summary>
    public int CachedAnswers => _cache.Count;

    /// <summary>The lists' verdict on <paramref name="address"/>: a deny listing first, then a verify listing, then a failure.</summary>
    public async Task<DnsblVerdict> CheckAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var zones = _options.Deny.Select(zone => (zone, DnsblOutcome.Listed)).Concat(_options.Verify.Select(zone => (zone, DnsblOutcome.Verify))).ToArray();
        var lookups = zones.Select(z => LookUpAsync(z.zone, address, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(lookups).WaitAsync(_options.Timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The bound holds whatever the resolver does; the lists that answered in time still count.
        }
        var unknown = false;
        DnsblVerdict? verify = null;
        for (var i = 0; i < zones.Length; i++)
        {
            var listed = lookups[i].IsCompletedSuccessfully ? lookups[i].Result : (bool?)null;
            if (listed is null) unknown = true;
            else if (listed == true && zones[i].Item2 == DnsblOutcome.Listed) return new DnsblVerdict(DnsblOutcome.Listed, zones[i].zone);
            else if (listed == true) verify ??= new DnsblVerdict(DnsblOutcome.Verify, zones[i].zone);
        }
        return verify ?? new DnsblVerdict(unknown ? DnsblOutcome.Unknown : DnsblOutcome.Clean);
    }

    /// <summary>True when <paramref name="zone"/> lists the address, false when it does not; null (no exception) when it could not tell.</summary>
    private async Task<bool?> LookUpAsync(string zone, IPAddress address, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue((zone, address), out var cached) && cached.Expires > now) return cached.Listed;
        try
        {
            var response = await _client.QueryAsync(QueryName(address, zone), QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (Read(response) is not { } answer) return null;
            Remember(zone, address, answer);
            return answer.Listed;
        }
        catch (Exception ex) when (ex is DnsResponseException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            DnsblLogMessages.LookupFailed(_logger, zone, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// A listing is an A record in 127.0.0.0/8 (RFC 5782 2.1), except 127.255.255.0/24, which lists like Spamhaus use to
    /// say the query itself was refused: that, like any other error, is no answer.
    /// </summary>
    private Answer? Read(IDnsQueryResponse response)
    {
        var now = _time.GetUtcNow();
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
        {
            var soa = response.Authorities.SoaRecords().FirstOrDefault();
            var ttl = soa is null ? MinTtl : TimeSpan.FromSeconds(Math.Min(soa.InitialTimeToLive, (int)Math.Min(soa.Minimum, int.MaxValue)));
            return new Answer(false, now + Clamp(ttl));
        }
        if (response.HasError) return null;
        var records = response.Answers.ARecords().ToArray();
        if (records.Any(a => IsError(a.Address))) return null;
        var listed = records.Where(a => a.Address.GetAddressBytes()[0] == 127).ToArray();
        if (listed.Length == 0) return new Answer(false, now + MinTtl);
        return new Answer(true, now + Clamp(TimeSpan.FromSeconds(listed.Min(a => a.InitialTimeToLive))));
    }

    private static bool IsError(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes is [127, 255, 255, _];
    }

    private static TimeSpan Clamp(TimeSpan ttl) => ttl < MinTtl ? MinTtl : ttl > MaxTtl ? MaxTtl : ttl;

    private void Remember(string zone, IPAddress address, Answer answer)
    {
        if (_cache.Count > SweepAbove)
        {
            var now = _time.GetUtcNow();
            foreach (var (key, old) in _cache)
            {
                if (old.Expires <= now) _cache.TryRemove(key, out _);
            }
        }
        _cache[(zone, address)] = answer;
    }

    /// <summary><c>7.100.51.198.zone</c> for 198.51.100.7; an IPv6 address as its 32 nibbles, last first (RFC 5782 2.4).</summary>
    internal static string QueryName(IPAddress address, string zone)
    {
        var bytes = Http.ClientAddress.Normalize(address).GetAddressBytes();
        var name = new StringBuilder();
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes.Length == 4) name.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            else name.Append(Nibble(bytes[i] & 0xf)).Append('.').Append(Nibble(bytes[i] >> 4)).Append('.');
        }
        return name.Append(zone.TrimEnd('.')).ToString();

        static char Nibble(int value) => "0123456789abcdef"[value];
    }

    /// <summary><c>host:port</c> or <c>[ipv6]:port</c>, the port 53 when left out.</summary>
    internal static IPEndPoint ParseServer(string server) =>
        IPEndPoint.TryParse(server, out var endpoint)
            ? new IPEndPoint(endpoint.Address, endpoint.Port == 0 ? 53 : endpoint.Port)
            : throw new FormatException($"'{server}' is not an IP address with an optional port.");

    private readonly record struct Answer(bool Listed, DateTimeOffset Expires);
}

internal static partial class DnsblLogMessages
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "The block list {Zone} gave no answer: {Reason}")]
    public static partial void LookupFailed(ILogger logger, string zone, string reason);
}

using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;

namespace IrcStream.Api.Configuration;

/// <summary>
/// The <c>IrcStream</c> configuration section. Each default is written once: the engine's (buffers, timeouts,
/// flood) in <see cref="IrcEngineSettings"/>, the rest here; appsettings.json holds only logging levels.
/// </summary>
public sealed class IrcStreamOptions
{
    public const string SectionName = "IrcStream";

    private static IrcEngineSettings Engine => IrcEngineSettings.Defaults;

    /// <summary>Used when the configuration names no server at all; an operator's list replaces it rather than merging into it.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedServers = ["localhost:6667", "127.0.0.1:6667"];

    /// <summary>
    /// Empty here on purpose: configuration binding appends to a list, and a default entry kept in appsettings.json
    /// would survive an operator's <c>AllowedServers:0</c>. <see cref="ConfigurationSetup"/> fills in
    /// <see cref="DefaultAllowedServers"/> when nothing was configured.
    /// </summary>
    public List<string> AllowedServers { get; set; } = [];

    public int EventBufferSize { get; set; } = Engine.EventBufferSize;

    /// <summary>Bytes of events retained per connection for resume, beside <see cref="EventBufferSize"/>.</summary>
    public long EventBufferBytes { get; set; } = Engine.EventBufferBytes;

    /// <summary>Bytes one connection may hold beyond retention while a live reader (stream or returning poller) is behind.</summary>
    public long LiveReaderHoldBytes { get; set; } = Engine.LiveReaderHoldBytes;

    /// <summary>Bytes every connection together may hold beyond retention for live readers.</summary>
    public long LiveReaderHoldTotalBytes { get; set; } = EventHoldBudget.DefaultCapacityBytes;
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public int PollBatchSize { get; set; } = 500;
    public TimeSpan ConnectTimeout { get; set; } = Engine.ConnectTimeout;
    public TimeSpan ReconnectDelay { get; set; } = Engine.ReconnectDelay;
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxConnectionsPerSession { get; set; } = 5;

    /// <summary>Live sessions the gateway holds at most; a request that needs a new one beyond it gets 503.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>Live sessions one client address holds at most (a browser needs one; its tabs share the cookie); 429 beyond.</summary>
    public int MaxSessionsPerAddress { get; set; } = 20;

    /// <summary>Open event streams plus waiting polls one connection may have; 429 beyond.</summary>
    public int MaxStreamsPerConnection { get; set; } = 16;

    /// <summary>Open event streams plus waiting polls one session may have across its connections; 429 beyond.</summary>
    public int MaxStreamsPerSession { get; set; } = 64;

    /// <summary>Open event streams plus waiting polls one client address may have; 429 beyond.</summary>
    public int MaxStreamsPerAddress { get; set; } = 256;

    /// <summary>How many leading bits of an IPv6 client's address name the client for per-address limits and bans (one person holds a whole /64).</summary>
    public int Ipv6PrefixLength { get; set; } = 64;

    public FloodOptions Flood { get; set; } = new();
    public WebircOptions Webirc { get; set; } = new();

    /// <summary>Templates for the user name and real name sent to IRC (<see cref="IdentOptions"/>); unset sends the user's own.</summary>
    public IdentOptions Ident { get; set; } = new();

    /// <summary>DNS block lists asked about a session's first connection (<see cref="DnsblOptions"/>); off unless a zone is set.</summary>
    public DnsblOptions Dnsbl { get; set; } = new();

    /// <summary>The proof-of-work check before a connection opens (<see cref="HumanCheckOptions"/>); off unless configured.</summary>
    public HumanCheckOptions HumanCheck { get; set; } = new();

    /// <summary>Reverse proxies (IP addresses) whose X-Forwarded-For/-Proto/-Host the gateway believes.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks in CIDR form (<c>10.0.0.0/8</c>) whose proxies the gateway believes.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    public ConnectionRateLimitOptions ConnectionRateLimit { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    public RedisOptions Redis { get; set; } = new();

    public Admin.AdminOptions Admin { get; set; } = new();

    public WebClientOptions WebClient { get; set; } = new();
}

public sealed class FloodOptions
{
    public int Burst { get; set; } = IrcEngineSettings.Defaults.FloodBurst;
    public TimeSpan Interval { get; set; } = IrcEngineSettings.Defaults.FloodInterval;
}

public sealed class WebircOptions
{
    /// <summary>Unset: no WEBIRC. Set: every registration starts with WEBIRC carrying the browser's address.</summary>
    public string? Password { get; set; }
    public string Gateway { get; set; } = "ircstream";
}

/// <summary>How many connections one client address may open per window (on top of the per-session cap).</summary>
public sealed class ConnectionRateLimitOptions
{
    public int PermitLimit { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Who may read <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>Client addresses (IPs or CIDR networks) served <c>/metrics</c>; empty means loopback only.</summary>
    public List<string> AllowedAddresses { get; set; } = [];
}

/// <summary>Where sessions and event logs live when several gateway nodes share them; unset keeps everything in this process.</summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string (<c>redis:6379,password=...</c>); unset: no Redis, one process.</summary>
    public string? Configuration { get; set; }

    /// <summary>The first part of every key and channel name, so several gateways (or other programs) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ircstream";

    /// <summary>Where the other nodes reach this one to forward requests (<c>http://gateway-1:8080</c>); unset: the address Kestrel listens on.</summary>
    public string? NodeUrl { get; set; }

    /// <summary>How long a node waits for the owner of a connection to answer a forwarded request before it answers 503.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection's lease lasts without renewal: a node that stops renewing (killed, frozen, cut off) loses its connections after this.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Configuration);
}

/// <summary>How the browser client presents a network: branding, the connect form's defaults, embedding, and away marking.</summary>
public sealed class WebClientOptions
{
    /// <summary>The network's name, shown in the sidebar, the page title and the connect form.</summary>
    public string? NetworkName { get; set; }

    /// <summary>An image shown beside the name: a path on the gateway (<c>/logo.svg</c>) or an https address.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>The colour of buttons and links, <c>#rgb</c> or <c>#rrggbb</c>.</summary>
    public string? AccentColor { get; set; }

    /// <summary>Plain text shown at the top of the connect form (addresses become links; never HTML).</summary>
    public string? Greeting { get; set; }

    /// <summary>The network's rules, plain text shown on the connect form (addresses become links; never HTML).</summary>
    public string? Rules { get; set; }

    /// <summary>The server the connect form opens with; one of <see cref="IrcStreamOptions.AllowedServers"/>. Unset: the first one listed.</summary>
    public string? DefaultServer { get; set; }

    /// <summary>Channels the connect form opens with when a link names none.</summary>
    public List<string> DefaultChannels { get; set; } = [];

    /// <summary>The nick the form suggests; each <c>?</c> becomes a random digit (<c>Guest?????</c>). Unset: the field starts empty.</summary>
    public string? NickFormat { get; set; }

    /// <summary>Whether the connect form shows the server field; unset: shown unless exactly one server is allowed.</summary>
    public bool? ShowServerField { get; set; }

    /// <summary>Lets a link with a nick connect as soon as the page opens. Off: a link only fills the form, so no page elsewhere can make a visitor join a channel unasked.</summary>
    public bool AutoConnect { get; set; }

    /// <summary>Origins that may show the client in a frame (<c>https://www.example.org</c>); empty: none may.</summary>
    public List<string> FrameAncestors { get; set; } = [];

    /// <summary>How long a connection stays without any open event stream before the gateway marks it away.</summary>
    public TimeSpan AwayAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The away message set meanwhile.</summary>
    public string AwayText { get; set; } = "Not at the keyboard right now (the web page is closed).";

    public bool Embeddable => FrameAncestors.Count > 0;
}

namespace IrcStream.Api.Configuration;

/// <summary>
/// The human check before an IRC connection opens: a proof-of-work the browser solves (the gateway's own, no third
/// party). Asked for when <see cref="Always"/>, when an address opens more than <see cref="AfterConnectionsPerHour"/>
/// connections in an hour, or when a DNSBL verify zone lists it. Off unless one of those is configured.
/// </summary>
public sealed class HumanCheckOptions
{
    /// <summary>Every connection a session opens first needs the check.</summary>
    public bool Always { get; set; }

    /// <summary>An address's connections beyond this many in an hour need the check; 0 never asks for this reason.</summary>
    public int AfterConnectionsPerHour { get; set; }

    /// <summary>Leading zero bits the SHA-256 of a solution must have; each bit doubles the browser's work.</summary>
    public int Difficulty { get; set; } = HumanCheckDefaults.Difficulty;

    /// <summary>How long a challenge may be solved and used (once).</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(2);
}

public static class HumanCheckDefaults
{
    /// <summary>
    /// 2^16 SHA-256 on average, aimed at 0.5–2 s in Chromium: the web client hashed 41,000–66,000 a second in headless
    /// Chromium on the shared 2-core test machine, so 17 bits averaged 2.0–2.5 s and 16 bits half that
    /// (docs/BENCHMARKS.md, "Solving it in Chromium").
    /// </summary>
    public const int Difficulty = 16;
}

namespace IrcStream.Api.Configuration;

/// <summary>
/// DNS block lists asked about a browser's address when its session opens its first connection: a listing in a
/// <see cref="Deny"/> zone refuses it, in a <see cref="Verify"/> zone asks for the human check. Off unless a zone is set.
/// </summary>
public sealed class DnsblOptions
{
    /// <summary>Zones whose listing refuses the connection (<c>dnsbl.dronebl.org</c>).</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>Zones whose listing asks for the human check first.</summary>
    public List<string> Verify { get; set; } = [];

    /// <summary>DNS servers to ask (<c>127.0.0.1:53</c>, <c>[::1]:53</c>); empty asks the machine's own resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>The longest a connection waits for the lists' answers; past it, <see cref="OnFailure"/> decides.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When a list does not answer in time or fails: <c>allow</c> (fail open), <c>verify</c> (the human check) or <c>deny</c> (fail closed).</summary>
    public string OnFailure { get; set; } = DnsblActions.Allow;

    public bool IsConfigured => Deny.Count + Verify.Count > 0;
}

/// <summary>The values of <see cref="DnsblOptions.OnFailure"/>.</summary>
public static class DnsblActions
{
    public const string Allow = "allow";
    public const string Verify = "verify";
    public const string Deny = "deny";

    public static readonly IReadOnlyList<string> All = [Allow, Verify, Deny];
}

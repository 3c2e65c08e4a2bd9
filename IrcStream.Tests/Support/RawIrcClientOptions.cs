namespace IrcStream.Tests.Support;

/// <summary>How <see cref="RawIrcClient.ConnectAsync(string, int, RawIrcClientOptions, CancellationToken)"/> registers.</summary>
public sealed record RawIrcClientOptions
{
    public required string Nick { get; init; }

    /// <summary>The USER name (servers may truncate it, InspIRCd to 10 chars).</summary>
    public string User { get; init; } = "test";

    public string RealName { get; init; } = "IrcStream test client";

    /// <summary>Caps to request; when not empty the client sends CAP LS 302, CAP REQ and CAP END, and fails if one is refused.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Lines sent before anything else, e.g. <c>WEBIRC password gateway host ip</c> or <c>PASS</c>.</summary>
    public IReadOnlyList<string> LinesBeforeRegistration { get; init; } = [];

    /// <summary>How long to wait for 001 (InspIRCd needs up to a second more than ngIRCd).</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

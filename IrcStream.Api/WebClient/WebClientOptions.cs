namespace IrcStream.Api.WebClient;

/// <summary>What the web client is told about the gateway, read from the <c>IrcStream</c> section.</summary>
public sealed class WebClientOptions
{
    /// <summary>The contract's default for <c>IrcStream:AllowedServers</c>, used when the section names none.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedServers = ["localhost:6667", "127.0.0.1:6667"];

    /// <summary><c>IrcStream:AllowedServers</c>: the servers a session may connect to (entries may hold <c>*</c>).</summary>
    public string[]? AllowedServers { get; set; }
}

namespace IrcStream.Api.WebClient;

/// <summary>The body of <c>GET /api/config</c>: what the connect form offers.</summary>
public sealed record WebClientConfig(IReadOnlyList<string> AllowedServers);

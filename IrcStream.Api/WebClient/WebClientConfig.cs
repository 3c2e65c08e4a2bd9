namespace IrcStream.Api.WebClient;

/// <summary>
/// The body of <c>GET /api/config</c>: what the connect form offers (the allowed servers) and how the operator
/// presents the network (<c>IrcStream:WebClient</c>). Nothing in it is secret or changes anything.
/// </summary>
public sealed record WebClientConfig(IReadOnlyList<string> AllowedServers)
{
    public string? NetworkName { get; init; }
    public string? LogoUrl { get; init; }
    public string? AccentColor { get; init; }
    public string? Greeting { get; init; }
    public string? Rules { get; init; }

    /// <summary>The server the form opens with: the configured default, else the first allowed server without a wildcard.</summary>
    public string? DefaultServer { get; init; }
    public IReadOnlyList<string> DefaultChannels { get; init; } = [];
    public string? NickFormat { get; init; }
    public bool ShowServerField { get; init; } = true;
    public bool AutoConnect { get; init; }

    /// <summary>The languages the client has a text table for (<c>wwwroot/js/lang/{code}.js</c>), English first.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];
}

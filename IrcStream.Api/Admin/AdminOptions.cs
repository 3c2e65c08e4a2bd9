namespace IrcStream.Api.Admin;

/// <summary>The admin API (<c>IrcStream:Admin</c>): off unless <see cref="Keys"/> holds at least one key.</summary>
public sealed class AdminOptions
{
    /// <summary>Who may call the admin API: each key by name and the SHA-256 of its secret (the secret itself is never configured).</summary>
    public List<AdminKeyOptions> Keys { get; set; } = [];

    /// <summary>The QUIT reason an IRC server (and everyone in the user's channels) sees when an operator closes a connection.</summary>
    public string QuitReason { get; set; } = "Closed by the gateway's operator";

    /// <summary>How many admin requests one client address may make per window, valid key or not.</summary>
    public AdminRateLimitOptions RateLimit { get; set; } = new();

    public bool IsEnabled => Keys.Count > 0;
}

/// <summary>One admin key: a name for the log and the SHA-256 (hex) of the secret sent as <c>Authorization: Bearer</c>.</summary>
public sealed class AdminKeyOptions
{
    public string? Name { get; set; }

    public string? Sha256 { get; set; }
}

public sealed class AdminRateLimitOptions
{
    public int PermitLimit { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

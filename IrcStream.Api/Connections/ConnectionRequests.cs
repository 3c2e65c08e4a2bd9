namespace IrcStream.Api.Connections;

/// <summary>The body of <c>POST /api/connections</c>; only <see cref="Server"/> is required.</summary>
public sealed record CreateConnectionRequest(
    string? Server,
    bool? Tls,
    string? Nick,
    string? Username,
    string? Realname,
    string? Password,
    SaslRequest? Sasl,
    IReadOnlyList<string?>? Channels,
    Guard.HumanProof? Proof = null);

public sealed record SaslRequest(string? Account, string? Password);

/// <summary>The body of <c>PATCH /api/connections/{id}</c>: the account the connection logs in with from its next registration.</summary>
public sealed record UpdateConnectionRequest(SaslRequest? Sasl);

/// <summary>The body of <c>POST /api/connections/{id}/lines</c>.</summary>
public sealed record LinesRequest(IReadOnlyList<string?>? Lines);

public sealed record LinesQueued(int Queued);

using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Guard;

/// <summary>A solved challenge as the browser sends it with <c>POST /api/connections</c>: <c>{"challenge": "…", "nonce": "…"}</c>.</summary>
public sealed record HumanProof(string? Challenge, string? Nonce);

/// <summary>The body of <c>GET /api/challenge</c>.</summary>
public sealed record ChallengeDto(string Challenge, int Difficulty, DateTimeOffset Expires, string Algorithm);

/// <summary>Issues proof-of-work challenges and judges their solutions, each usable once on any node.</summary>
internal sealed class HumanCheck(IOptions<IrcStreamOptions> options, IGuardStore store, TimeProvider time)
{
    private readonly HumanCheckOptions _options = options.Value.HumanCheck;
    private readonly DnsblOptions _dnsbl = options.Value.Dnsbl;

    /// <summary>True when anything can ask for the check: always, a connections-per-hour limit, a DNSBL verify zone or failure rule.</summary>
    public bool IsConfigured =>
        _options.Always || _options.AfterConnectionsPerHour > 0
        || (_dnsbl.IsConfigured && (_dnsbl.Verify.Count > 0 || _dnsbl.OnFailure == DnsblActions.Verify));

    public bool Always => _options.Always;

    public int AfterConnectionsPerHour => _options.AfterConnectionsPerHour;

    public async Task<ChallengeDto> IssueAsync(CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + _options.ChallengeLifetime;
        var key = await store.ChallengeKeyAsync(cancellationToken).ConfigureAwait(false);
        return new ChallengeDto(ProofOfWork.Issue(key, expires, _options.Difficulty), _options.Difficulty, expires, "SHA-256");
    }

    /// <summary>Judges <paramref name="proof"/> and, when it passes, uses its challenge up.</summary>
    public async Task<ProofOutcome> VerifyAsync(HumanProof proof, CancellationToken cancellationToken)
    {
        var key = await store.ChallengeKeyAsync(cancellationToken).ConfigureAwait(false);
        var outcome = ProofOfWork.Check(key, proof.Challenge, proof.Nonce, time.GetUtcNow(), out var id, out var expires);
        if (outcome != ProofOutcome.Passed) return outcome;
        return await store.TryUseAsync(id, expires, cancellationToken).ConfigureAwait(false) ? ProofOutcome.Passed : ProofOutcome.AlreadyUsed;
    }
}

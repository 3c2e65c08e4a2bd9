using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Guard;

/// <summary>
/// Whether a browser may open an IRC connection now, asked by the create route before anything reaches IRC: the
/// DNS block lists (for a session's first connection), the connections-per-hour count, and the human check when
/// either or the operator asks for it. A refusal is problem details in plain words.
/// </summary>
internal sealed class Admission(Dnsbl dnsbl, HumanCheck humanCheck, IGuardStore store, IOptions<IrcStreamOptions> options, TimeProvider time,
    ILogger<Admission> logger)
{
    /// <summary>Null when the connection may open; otherwise why not.</summary>
    public async Task<ProblemHttpResult?> RefusalAsync(HttpContext http, HumanProof? proof, bool firstOfSession, CancellationToken cancellationToken)
    {
        if (!dnsbl.IsConfigured && !humanCheck.IsConfigured) return null;
        var address = ClientAddress.Of(http);
        string? reason = humanCheck.Always && firstOfSession ? "this gateway asks every new visitor" : null;
        if (firstOfSession && dnsbl.IsConfigured && address is not null)
        {
            var verdict = await dnsbl.CheckAsync(address, cancellationToken).ConfigureAwait(false);
            switch (verdict.Outcome)
            {
                case DnsblOutcome.Listed:
                    GuardLogMessages.Refused(logger, address.ToString(), $"listed in {verdict.Zone}");
                    return Listed(address, verdict.Zone!);
                case DnsblOutcome.Verify:
                    reason = $"your address is listed in {verdict.Zone}";
                    break;
                case DnsblOutcome.Unknown when options.Value.Dnsbl.OnFailure == DnsblActions.Deny:
                    GuardLogMessages.Refused(logger, address.ToString(), "the block lists did not answer");
                    return Unchecked();
                case DnsblOutcome.Unknown when options.Value.Dnsbl.OnFailure == DnsblActions.Verify:
                    reason = "the block lists could not be asked about your address just now";
                    break;
            }
        }
        if (humanCheck.AfterConnectionsPerHour > 0)
        {
            var count = await store.CountConnectionAsync(ClientAddress.KeyOf(http), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (count > humanCheck.AfterConnectionsPerHour) reason ??= $"your address opened more than {humanCheck.AfterConnectionsPerHour} connections this hour";
        }
        if (reason is null) return null;
        if (proof is null) return CheckNeeded(reason);
        var outcome = await humanCheck.VerifyAsync(proof, cancellationToken).ConfigureAwait(false);
        if (outcome == ProofOutcome.Passed) return null;
        GuardLogMessages.Refused(logger, address?.ToString() ?? "unknown", $"human check {outcome}");
        return CheckFailed(outcome);
    }

    private static ProblemHttpResult Listed(IPAddress address, string zone) => TypedResults.Problem(
        title: "Your address is on a block list",
        detail: $"Your address {address} is listed in {zone}, a list of addresses that have sent abuse, so this gateway does not connect it to IRC. " +
            "If you think that is wrong, ask the list's keepers to remove it, or ask whoever runs this gateway.",
        statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult Unchecked() => TypedResults.Problem(
        title: "Your address could not be checked",
        detail: "This gateway checks every address against block lists before it connects to IRC, and the lists did not answer just now. Try again in a minute.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        extensions: new Dictionary<string, object?> { ["retryAfter"] = 60 });

    private static ProblemHttpResult CheckNeeded(string reason) => TypedResults.Problem(
        title: "Show that you are a person",
        detail: $"Before this connection opens, your browser has to solve a small puzzle, because {reason}. " +
            "Get one from GET /api/challenge, solve it, and send the same request again with \"proof\": {\"challenge\": …, \"nonce\": …}. The web client does this for you.",
        statusCode: StatusCodes.Status403Forbidden,
        extensions: new Dictionary<string, object?> { ["humanCheck"] = "proof-of-work", ["challenge"] = "/api/challenge" });

    private static ProblemHttpResult CheckFailed(ProofOutcome outcome) => TypedResults.Problem(
        title: "The puzzle's answer was not accepted",
        detail: outcome switch
        {
            ProofOutcome.Expired => "The puzzle expired before its answer came. Get a new one from GET /api/challenge and send the request again.",
            ProofOutcome.AlreadyUsed => "That puzzle was already used; each one opens one connection. Get a new one from GET /api/challenge.",
            ProofOutcome.NotEnoughWork => "The answer does not solve the puzzle. Solve it again, or get a new one from GET /api/challenge.",
            _ => "The puzzle is not one this gateway gave out, or the answer is not a number. Get a new one from GET /api/challenge.",
        },
        statusCode: StatusCodes.Status403Forbidden,
        extensions: new Dictionary<string, object?> { ["humanCheck"] = "proof-of-work", ["challenge"] = "/api/challenge" });
}

internal static partial class GuardLogMessages
{
    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Refused a connection from {Address}: {Reason}")]
    public static partial void Refused(ILogger logger, string address, string reason);
}

using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using IrcStream.Api.Admin;
using IrcStream.Api.Configuration;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Guard;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.State;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Connections;

/// <summary>Connect, list, inspect, close, and send lines: the session's IRC connections.</summary>
public static class ConnectionsApi
{
    private const int ConnectionIdBytes = 16;

    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/connections")
            .WithTags("Connections")
            .WithSameOriginCheck()
            .WithSession();

        group.MapPost("/", Create).RequireConnectionRateLimit().WithAdminChecks().StartsSession();
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update).WithOwnerForwarding();
        group.MapDelete("/{id}", Delete).WithOwnerForwarding();
        group.MapPost("/{id}/lines", SendLines).WithOwnerForwarding();
        return group;
    }

    internal static async Task<Results<Created<ConnectionDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateConnectionRequest? request,
        HttpContext http,
        ServerPolicy policy,
        IOptions<IrcStreamOptions> options,
        IGatewayState state,
        ILoggerFactory loggers,
        Admission admission)
    {
        if (request is null)
        {
            return Problems.Invalid(
                new() { ["server"] = ["The server is required."] },
                "The connection request is not valid",
                "Send a JSON object with at least \"server\", e.g. {\"server\": \"irc.libera.chat:6697\", \"tls\": true, \"nick\": \"alice\"}.");
        }
        var errors = ConnectionRequestValidator.Validate(request, out var endpoint);
        if (errors.Count > 0)
            return Problems.Invalid(errors, "The connection request is not valid", "Correct the fields listed in errors and send the request again.");

        var decision = policy.Decide(endpoint);
        if (!decision.Allowed)
        {
            return TypedResults.Problem(
                title: "Server not allowed",
                detail: $"This gateway does not allow connecting to {endpoint}. Pick one of the servers it allows, or ask whoever runs the gateway to add this one.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var session = http.GetSession();
        var max = options.Value.MaxConnectionsPerSession;
        var cancel = http.RequestAborted;
        var held = (await session.ConnectionIdsAsync(cancel)).Count;
        if (held >= max) return TooManyConnections(max);
        // Block lists and the human check (off unless configured), before anything reaches IRC.
        if (await admission.RefusalAsync(http, request.Proof, firstOfSession: held == 0, cancel) is { } refusal) return refusal;

        var opened = await state.OpenAsync(new IrcConnectionOptions
        {
            ConnectionId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ConnectionIdBytes)),
            Host = endpoint.Host,
            Port = endpoint.Port,
            Tls = request.Tls ?? false,
            Nick = request.Nick,
            Username = request.Username,
            Realname = request.Realname,
            Password = request.Password,
            Sasl = request.Sasl is { } sasl ? new SaslCredentials(sasl.Account!, sasl.Password!) : null,
            Channels = request.Channels?.OfType<string>().ToArray() ?? [],
            Webirc = ClientIdentity.Webirc(options.Value.Webirc, http),
            UserTemplate = ClientIdentity.Template(options.Value.Ident, ClientAddress.Of(http)),
            IsAddressAllowed = decision.IsAddressAllowed,
        }, session, max, cancel);
        if (opened.Connection is not { } connection) return opened.Outcome == SessionAddOutcome.Full ? TooManyConnections(max) : SessionEnded();
        GatewayLogMessages.ConnectionCreated(loggers.CreateLogger(typeof(ConnectionsApi)), connection.Options.ConnectionId, connection.Options.Endpoint,
            connection.Options.Tls, !string.IsNullOrEmpty(connection.Options.Nick), session.Tag);
        var dto = ConnectionDto.From(connection);
        return TypedResults.Created($"/api/connections/{dto.Id}", dto);
    }

    internal static async Task<Ok<IReadOnlyList<ConnectionDto>>> List(HttpContext http, IGatewayState state)
    {
        var ids = await http.GetSession().ConnectionIdsAsync(http.RequestAborted);
        return TypedResults.Ok(await state.DescribeAsync(ids, http.RequestAborted));
    }

    internal static async Task<Results<Ok<ConnectionDto>, ProblemHttpResult>> Get(string id, HttpContext http, IGatewayState state) =>
        await http.GetSession().HoldsAsync(id, http.RequestAborted) && (await state.DescribeAsync([id], http.RequestAborted)) is [var dto]
            ? TypedResults.Ok(dto)
            : Problems.ConnectionNotFound(id);

    /// <summary>
    /// Changes what the connection logs in with from its next registration on (a reconnect, a takeover by another node):
    /// the SASL account, e.g. one the user has just registered through the connection. The current socket is not touched.
    /// </summary>
    internal static async Task<Results<Ok<ConnectionDto>, ValidationProblem, ProblemHttpResult>> Update(
        string id, UpdateConnectionRequest? request, HttpContext http, IGatewayState state)
    {
        var cancel = http.RequestAborted;
        if (!await http.GetSession().HoldsAsync(id, cancel)) return Problems.ConnectionNotFound(id);
        if (request?.Sasl is not { } sasl)
        {
            return Problems.Invalid(
                new() { ["sasl"] = ["Give the account to log in with."] },
                "Nothing to change",
                "Send {\"sasl\": {\"account\": \"alice\", \"password\": \"…\"}}: the account the connection logs in with from its next registration.");
        }
        var errors = new Dictionary<string, string[]>();
        ConnectionRequestValidator.AddSaslErrors(sasl, errors);
        if (errors.Count > 0)
            return Problems.Invalid(errors, "The login is not valid", "Correct the fields listed in errors and send the request again; the connection keeps the login it had.");

        switch (await state.UseSaslAsync(id, new SaslCredentials(sasl.Account!, sasl.Password!)))
        {
            case null: return Closed();
            case CredentialsOutcome.HoldUnconfirmed: return StoreAway(http, "the new login was not kept; the connection keeps the one it had");
        }
        return (await state.DescribeAsync([id], cancel)) is [var dto] ? TypedResults.Ok(dto) : Problems.ConnectionNotFound(id);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, HttpContext http, IGatewayState state)
    {
        if (!await http.GetSession().RemoveAsync(id, http.RequestAborted)) return Problems.ConnectionNotFound(id);
        await state.CloseAsync(id, "Closed by the user");
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Accepted<LinesQueued>, ValidationProblem, ProblemHttpResult>> SendLines(
        string id, LinesRequest? request, HttpContext http, IGatewayState state, ILoggerFactory loggers, ApiMetrics metrics)
    {
        if (!await http.GetSession().HoldsAsync(id, http.RequestAborted)) return Problems.ConnectionNotFound(id);
        if (request?.Lines is not { Count: > 0 } lines)
        {
            return Problems.Invalid(
                new() { ["lines"] = ["Give at least one line."] },
                "No lines to send",
                "Send {\"lines\": [\"PRIVMSG #channel :hello\"]} with one IRC message per line.");
        }

        var errors = new Dictionary<string, string[]>();
        string? firstRefusal = null;
        for (var i = 0; i < lines.Count; i++)
        {
            if (OutgoingLineRules.Validate(lines[i]) is not { } reason) continue;
            errors[LineField(i)] = [reason];
            firstRefusal ??= LineRefused(i, reason);
        }
        if (firstRefusal is not null)
        {
            metrics.LinesRefused(loggers.CreateLogger(typeof(ConnectionsApi)), id, lines.Count, SendOutcome.Invalid);
            return Problems.Invalid(errors, "A line cannot be sent", firstRefusal);
        }

        if (await state.SendAsync(id, lines.Select(l => l!).ToArray()) is not { } result) return NotOpen();
        if (result.Outcome != SendOutcome.Queued) metrics.LinesRefused(loggers.CreateLogger(typeof(ConnectionsApi)), id, lines.Count, result.Outcome);
        return result.Outcome switch
        {
            SendOutcome.Queued => TypedResults.Accepted((string?)null, new LinesQueued(result.Queued)),
            SendOutcome.NotOpen => NotOpen(),
            SendOutcome.HoldUnconfirmed => StoreAway(http, "your lines were not queued; nothing was sent"),
            SendOutcome.QueueFull => TypedResults.Problem(
                title: "Outgoing queue full",
                detail: "Too many lines are waiting behind the server's flood control. Wait a few seconds and send them again.",
                statusCode: StatusCodes.Status429TooManyRequests),
            // Invalid: every line passed the same OutgoingLineRules above.
            _ => throw new UnreachableException($"Lines that passed OutgoingLineRules were refused as {result.Outcome}."),
        };
    }

    private static string LineField(int index) => $"lines[{index}]";

    /// <summary>Names the line both ways: by its index in <c>errors</c> and by its place for a person reading the detail.</summary>
    private static string LineRefused(int index, string reason) =>
        $"{LineField(index)} (line {index + 1} of the request) is refused: {reason} Nothing of this request was sent; fix the line and send them again.";

    private static ProblemHttpResult NotOpen() => TypedResults.Problem(
        title: "Not connected",
        detail: "The connection to the IRC server is not open right now (it is connecting, reconnecting or closed), so nothing was sent. Send the lines again once it is connected.",
        statusCode: StatusCodes.Status409Conflict);

    /// <summary>This node cannot confirm it still holds the connection (its shared store is away): a 202 could not be kept.</summary>
    private static ProblemHttpResult StoreAway(HttpContext http, string consequence)
    {
        http.Response.Headers.RetryAfter = "2";
        return TypedResults.Problem(
            title: "Temporarily unavailable",
            detail: $"The gateway cannot reach its shared store just now, so {consequence}. Your IRC connection stays up. Send the request again in 2 seconds.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static ProblemHttpResult Closed() => TypedResults.Problem(
        title: "Connection closed",
        detail: "The connection is closed, so it will not register again with a new login. Open a new connection with the account in \"sasl\".",
        statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult SessionEnded() => TypedResults.Problem(
        title: "Session ended",
        detail: "Your session ended while the connection was being opened. Send the request again to open it in a new session.",
        statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult TooManyConnections(int max) => TypedResults.Problem(
        title: "Too many connections",
        detail: $"A session may hold at most {max} IRC connections. Close one (DELETE /api/connections/{{id}}) before opening another.",
        statusCode: StatusCodes.Status429TooManyRequests);
}

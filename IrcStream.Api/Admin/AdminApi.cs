using System.Net;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Api.Admin;

/// <summary>
/// The operator's API under <c>/admin</c>: list the connections of every node, close one or a whole session, ban an
/// address or network. Off (no routes at all) unless <c>IrcStream:Admin:Keys</c> holds a key; every request needs one
/// as <c>Authorization: Bearer</c>, is rate limited per address, and every action is logged with the key's name.
/// </summary>
public static class AdminApi
{
    /// <summary>The longest reason a close or a ban may give, in characters.</summary>
    public const int MaxReasonLength = 300;

    /// <summary>The longest ban, in minutes (ten years).</summary>
    public const int MaxBanMinutes = 10 * 525_600;

    private const string KeyNameItem = "IrcStream.Admin.KeyName";
    private const string NoReason = "no reason given";

    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IrcStreamOptions>, AdminOptionsValidator>();
        // The connection list the state registers in either mode needs the closer, admin on or off (a container that
        // validates on build, as in Development, refuses to start otherwise).
        services.AddSingleton<AdminCloser>();
        if (!configuration.GetSection($"{IrcStreamOptions.SectionName}:Admin:Keys").GetChildren().Any()) return services;
        services.AddSingleton<AdminKeys>();
        services.AddSingleton<AddressBans>();
        services.AddSingleton<INewSessionGate>(sp => sp.GetRequiredService<AddressBans>());
        // The bans and the connection list are kept where the gateway's state is: State/StateSetup registers them.
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, AdminRateLimit>(AdminRateLimit.PolicyName));
        return services;
    }

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").WithTags("Admin");
        // Off: not a route of it exists, so /admin answers 404 like any unknown address.
        if (routes.ServiceProvider.GetService<AdminKeys>() is null) return group;
        group.RequireRateLimiting(AdminRateLimit.PolicyName).AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.RequestServices.GetRequiredService<AdminKeys>().Authenticate(http.Request.Headers.Authorization.ToString()) is not { } name)
            {
                AdminLogMessages.Refused(Logger(http), http.Request.Method, http.Request.Path, ClientAddress.KeyOf(http));
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return AdminProblems.Unauthorized();
            }
            http.Items[KeyNameItem] = name;
            return await next(context);
        });

        group.MapGet("/connections", ListConnections);
        group.MapDelete("/connections/{id}", CloseConnection);
        group.MapDelete("/sessions/{id}", EndSession);
        group.MapPost("/bans", AddBan);
        group.MapGet("/bans", ListBans);
        group.MapDelete("/bans/{id}", LiftBan);
        return group;
    }

    internal static async Task<Results<Ok<IReadOnlyList<AdminConnection>>, ValidationProblem>> ListConnections(
        string? address, string? nick, string? channel, string? server, HttpContext http, IAdminConnections connections)
    {
        IPNetwork? network = null;
        if (!string.IsNullOrEmpty(address))
        {
            if (!AddressRange.TryParse(address, out var parsed)) return BadAddress("address", address);
            network = parsed;
        }
        var all = await connections.ListAsync(http.RequestAborted);
        IReadOnlyList<AdminConnection> matching =
        [
            .. all.Where(c =>
                (network is not { } n || (IPAddress.TryParse(c.ClientAddress, out var client) && n.Contains(client)))
                && (string.IsNullOrEmpty(nick) || string.Equals(c.Nick, nick, StringComparison.OrdinalIgnoreCase))
                && (string.IsNullOrEmpty(channel) || c.Channels.Contains(channel, StringComparer.OrdinalIgnoreCase))
                && (string.IsNullOrEmpty(server) || string.Equals(c.Server, server, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(c => c.Created),
        ];
        AdminLogMessages.Listed(Logger(http), KeyName(http), $"address={address} nick={nick} channel={channel} server={server}", matching.Count);
        return TypedResults.Ok(matching);
    }

    /// <summary>204, or a problem: this node's, or the answer of the node that holds the connection.</summary>
    internal static async Task<IResult> CloseConnection(string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CloseRequest? request, HttpContext http, IAdminConnections connections)
    {
        if (ReasonProblem(request?.Reason, required: false) is { } invalid) return invalid;
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? NoReason : request.Reason;
        if (await connections.CloseAsync(id, reason, http, hereOnly: ForwardedRequest.Is(http)) is { } answer) return answer;
        AdminLogMessages.ConnectionClosed(Logger(http), KeyName(http), id, reason);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EndSession(
        string id, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CloseRequest? request, HttpContext http, IAdminConnections connections)
    {
        if (ReasonProblem(request?.Reason, required: false) is { } invalid) return invalid;
        if (id.Length != 64 || !id.All(char.IsAsciiHexDigit)) return AdminProblems.SessionNotFound(id);
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? NoReason : request.Reason;
        if (await connections.EndSessionAsync(id.ToLowerInvariant(), reason, http) is not { } closed) return AdminProblems.SessionNotFound(id);
        AdminLogMessages.SessionEnded(Logger(http), KeyName(http), id, closed, reason);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<BanCreated>, ValidationProblem>> AddBan(
        BanRequest? request, HttpContext http, AddressBans bans, IAdminConnections connections)
    {
        var errors = new Dictionary<string, string[]>();
        IPNetwork network = default;
        if (string.IsNullOrWhiteSpace(request?.Address)) errors["address"] = ["Give the address or network to ban, like 198.51.100.7 or 2001:db8::/48."];
        else if (!AddressRange.TryParse(request.Address, out network)) errors["address"] = [AddressError(request.Address)];
        if (request?.Minutes is not { } minutes || minutes < 1 || minutes > MaxBanMinutes)
            errors["minutes"] = [$"Give how long the ban lasts, in minutes, from 1 to {MaxBanMinutes} (ten years)."];
        if (ReasonError(request?.Reason, required: true) is { } reasonError) errors["reason"] = [reasonError];
        if (errors.Count > 0) return Problems.Invalid(errors, "The ban is not valid", "Correct the fields listed in errors and send the ban again.");

        var ban = await bans.AddAsync(network, TimeSpan.FromMinutes(request!.Minutes!.Value), request.Reason!, KeyName(http), http.RequestAborted);
        var closed = 0;
        if (request.CloseConnections == true)
        {
            foreach (var connection in await connections.ListAsync(http.RequestAborted))
            {
                if (!IPAddress.TryParse(connection.ClientAddress, out var client) || !ban.Covers(client)) continue;
                if (await connections.CloseAsync(connection.Id, ban.Reason, http, hereOnly: false) is null) closed++;
            }
        }
        AdminLogMessages.Banned(Logger(http), KeyName(http), ban.Address, ban.Ends, ban.Id, closed, ban.Reason);
        return TypedResults.Created($"/admin/bans/{ban.Id}", new BanCreated(ban.Id, ban.Address, ban.Reason, ban.Created, ban.Ends, ban.By, closed));
    }

    internal static async Task<Ok<IReadOnlyList<Ban>>> ListBans(HttpContext http, IBanStore store)
    {
        var bans = await store.ListAsync(http.RequestAborted);
        AdminLogMessages.BansListed(Logger(http), KeyName(http), bans.Count);
        return TypedResults.Ok(bans);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> LiftBan(string id, HttpContext http, IBanStore store)
    {
        if (!await store.RemoveAsync(id, http.RequestAborted)) return AdminProblems.BanNotFound(id);
        AdminLogMessages.BanLifted(Logger(http), KeyName(http), id);
        return TypedResults.NoContent();
    }

    private static string KeyName(HttpContext http) => (string)http.Items[KeyNameItem]!;

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminApi));

    private static ValidationProblem BadAddress(string field, string address) =>
        Problems.Invalid(new() { [field] = [AddressError(address)] }, "Bad address", "Correct the address and send the request again.");

    private static string AddressError(string address) =>
        $"'{address}' is not an IP address or a CIDR network; write one like 198.51.100.7, 198.51.100.0/24 or 2001:db8::/48.";

    private static string? ReasonError(string? reason, bool required)
    {
        if (string.IsNullOrWhiteSpace(reason)) return required ? "Give a reason: the user is told it." : null;
        return reason.Length > MaxReasonLength ? $"The reason is over {MaxReasonLength} characters." : IrcParameters.TextProblem(reason, "reason", MaxReasonLength * 4, allowSpaces: true);
    }

    private static ValidationProblem? ReasonProblem(string? reason, bool required) =>
        ReasonError(reason, required) is { } error ? Problems.Invalid(new() { ["reason"] = [error] }, "The reason is not valid", "Correct the reason and send the request again.") : null;
}

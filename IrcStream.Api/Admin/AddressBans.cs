using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using IrcStream.Api.Configuration;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Admin;

/// <summary>
/// Bans as the gateway applies them: made from what an operator asked for (an IPv6 address or a network narrower
/// than <c>IrcStream:Ipv6PrefixLength</c> is widened to that prefix, as per-address limits count it), and looked up
/// for a client that wants a new session or connection, which a ban refuses with 403.
/// </summary>
internal sealed class AddressBans(IBanStore store, IOptions<IrcStreamOptions> options, TimeProvider time, ILogger<AddressBans> logger) : INewSessionGate
{
    private const int IdBytes = 9;

    /// <summary>The network a ban on <paramref name="network"/> holds.</summary>
    public IPNetwork Widen(IPNetwork network)
    {
        var prefix = options.Value.Ipv6PrefixLength;
        return network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && network.PrefixLength > prefix
            ? ClientAddress.Network(network.BaseAddress, prefix)
            : network;
    }

    public async Task<Ban> AddAsync(IPNetwork network, TimeSpan duration, string reason, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ban = new Ban(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes)), Widen(network).ToString(), reason, now, now + duration, by);
        await store.AddAsync(ban, cancellationToken).ConfigureAwait(false);
        return ban;
    }

    /// <summary>The ban in force on <paramref name="address"/> that lasts longest; null when none is.</summary>
    public async Task<Ban?> FindAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        if (address is null) return null;
        address = ClientAddress.Normalize(address);
        return (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(b => b.Covers(address)).MaxBy(b => b.Ends);
    }

    /// <summary>403 for a banned client; null for one that is not.</summary>
    public async Task<ProblemHttpResult?> RefusalAsync(HttpContext http)
    {
        var address = ClientAddress.Of(http);
        if (await FindAsync(address, http.RequestAborted).ConfigureAwait(false) is not { } ban) return null;
        AdminLogMessages.BannedRefused(logger, address!.ToString(), ban.Id, ban.Ends);
        return TypedResults.Problem(
            title: "Your address is banned",
            detail: $"This gateway's operator has banned your address ({ban.Address}) until {ban.Ends.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, " +
                $"so it opens no sessions or IRC connections until then. The reason given: {ban.Reason}",
            statusCode: StatusCodes.Status403Forbidden);
    }

    async ValueTask<IResult?> INewSessionGate.RefuseAsync(HttpContext http) => await RefusalAsync(http).ConfigureAwait(false);
}

/// <summary>In front of opening a connection when the admin API is on: refuses a banned address, and notes who opened the connection for the admin listing.</summary>
public static class AdminConnectionFilter
{
    public static RouteHandlerBuilder WithAdminChecks(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilterFactory(static (factory, next) =>
        {
            if (factory.ApplicationServices.GetService<AddressBans>() is not { } bans) return next;
            var admin = factory.ApplicationServices.GetRequiredService<IAdminConnections>();
            var owned = factory.ApplicationServices.GetRequiredService<Connections.OwnedConnections>();
            var time = factory.ApplicationServices.GetRequiredService<TimeProvider>();
            var logger = factory.ApplicationServices.GetRequiredService<ILogger<AddressBans>>();
            return async context =>
            {
                var http = context.HttpContext;
                if (await bans.RefusalAsync(http).ConfigureAwait(false) is { } refused) return refused;
                var result = await next(context).ConfigureAwait(false);
                var created = result as Created<Connections.ConnectionDto> ?? (result as INestedHttpResult)?.Result as Created<Connections.ConnectionDto>;
                if (created?.Value is { } dto && owned.Find(dto.Id) is { } connection)
                {
                    try
                    {
                        await admin.RecordAsync(connection, new ConnectionFacts(http.GetSession().Hash, ClientAddress.Of(http)?.ToString(), time.GetUtcNow())).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
                    {
                        // The connection is open and the user is answered; only the admin listing lacks its address.
                        logger.LogWarning(ex, "Noting the client address of connection {ConnectionId} for the admin API failed", dto.Id);
                    }
                }
                return result;
            };
        });
}

using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Cluster;

/// <summary>
/// This gateway process as one node of several: a random id, new at every start, and the address other nodes use
/// to forward requests to it: <c>IrcStream:Redis:NodeUrl</c> when set, otherwise the first address Kestrel listens
/// on, with a wildcard host replaced by the machine's name (a container's host name in a compose network).
/// </summary>
internal sealed class GatewayNode(IServer server, IOptions<IrcStreamOptions> options)
{
    public string Id { get; } = Guid.NewGuid().ToString("N")[..16];

    /// <summary>Where other nodes reach this one; null until the server listens.</summary>
    public string? Url => options.Value.Redis.NodeUrl ?? Listening();

    private string? Listening()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null) return null;
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "localhost" or "0.0.0.0" or "[::]" or "::") uri.Host = Environment.MachineName;
        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}

using System.Net;
using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Http;

/// <summary>
/// Behind a reverse proxy: believes X-Forwarded-For/-Proto/-Host from <c>IrcStream:TrustedProxies</c> and
/// <c>IrcStream:TrustedNetworks</c>, so the client address (rate limit, WEBIRC) and scheme (Secure cookie,
/// Origin check) are the browser's. With neither set, only a proxy on the loopback interface is believed.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddForwardedHeadersFromOptions(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<IrcStreamOptions>>((forwarded, gateway) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            var proxies = gateway.Value.TrustedProxies;
            var networks = gateway.Value.TrustedNetworks;
            if (proxies.Count == 0 && networks.Count == 0) return;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in networks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }
}

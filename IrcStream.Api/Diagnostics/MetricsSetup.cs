using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Domain.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace IrcStream.Api.Diagnostics;

/// <summary>
/// <c>/metrics</c> in Prometheus text format: the <c>IrcStream</c> meter, ASP.NET Core's and the runtime's, served
/// only to the addresses in <c>IrcStream:Metrics:AllowedAddresses</c> (loopback when empty); anyone else gets 403.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>Label sets one metric stream keeps; beyond it, OpenTelemetry folds them into one overflow series.</summary>
    public const int MetricStreamPoints = 200;

    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ircstream"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // Each metric stream allocates room for its whole cardinality limit up front (2,000 points by default):
                // for the ~50 streams here that was 8.3 MB, 84 % of the gateway's heap at start (heap snapshot,
                // docs/BENCHMARKS.md). None of ours has more than a few dozen label sets; overflow is counted, not lost.
                .AddView(static _ => new MetricStreamConfiguration { CardinalityLimit = MetricStreamPoints })
                // Each scrape sees the values of that moment: Prometheus scrapes every few seconds at most anyway.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<StreamTelemetry>();
        return services;
    }

    public static IEndpointConventionBuilder MapGatewayMetrics(this IEndpointRouteBuilder routes)
    {
        var allowed = Allowed(routes.ServiceProvider.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Metrics);
        // Made now, not at the first stream or poll: the session and connection gauges are read from the first scrape.
        routes.ServiceProvider.GetRequiredService<ApiMetrics>();
        return routes.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (ClientAddress.Of(context) is { } client && allowed.Any(network => network.Contains(client)))
            {
                await next(context);
                return;
            }
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Metrics not served to this address",
                $"The gateway serves {Path} only to the addresses in IrcStream:Metrics:AllowedAddresses (loopback when unset). Scrape from one of them, or ask the operator to add yours.");
        }), optionsName: null);
    }

    private static IPNetwork[] Allowed(MetricsOptions options) => options.AllowedAddresses.Count == 0
        ? [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]
        : options.AllowedAddresses.Select(AddressRange.Parse).ToArray();
}

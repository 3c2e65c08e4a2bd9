using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.WebClient;

/// <summary>Serves the browser client from wwwroot, its read-only settings, and the security headers it relies on.</summary>
public static class WebClientExtensions
{
    /// <summary>
    /// Adds the security headers to every response, serves wwwroot (index.html at /) compressed and with ETags, and
    /// maps <c>GET /api/config</c>. Routing runs here, after / became /index.html, so it must come before anything
    /// that reads the endpoint (the rate limiter).
    /// </summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        var policy = WebClientSettings.ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value.WebClient);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseRouting();
        // Precompressed at build and publish (gzip; brotli too when published), ETags, and "no-cache" on names
        // without a fingerprint, so a new client version is picked up on reload while an unchanged one costs a 304.
        app.MapStaticAssets();
        app.MapGet("/api/config", GetConfig).WithName("GetWebClientConfig");
        return app;
    }

    private static Ok<WebClientConfig> GetConfig(IOptions<IrcStreamOptions> options, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(WebClientSettings.Config(options.Value));
    }
}

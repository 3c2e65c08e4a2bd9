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
            var response = context.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            // The policy and the referrer policy govern documents and workers only (a script, a stylesheet or an API
            // answer carries them for nothing): said once the answer's type is known, they are the ~260 bytes every
            // other response is spared.
            response.OnStarting(() =>
            {
                if (TakesPolicy(context.Request.Path, response.ContentType))
                {
                    response.Headers.ContentSecurityPolicy = policy;
                    response.Headers["Referrer-Policy"] = "no-referrer";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseRouting();
        // Precompressed at build and publish (gzip; brotli too when published), ETags, and "no-cache" on names
        // without a fingerprint, so a new client version is picked up on reload while an unchanged one costs a 304.
        app.MapStaticAssets();
        // Files an operator adds to wwwroot after the build (a language table in js/lang/): served as they are
        // (uncompressed), only where no mapped asset answers (the middleware leaves requests that have an endpoint
        // alone); "no-cache" as for the others, so an edited table is picked up on reload.
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache" });
        app.MapGet("/api/config", GetConfig).WithName("GetWebClientConfig");
        return app;
    }

    /// <summary>The web worker's script: a worker runs under the policy its own script is served with.</summary>
    internal const string WorkerPath = "/js/pow-worker.js";

    /// <summary>A document (HTML) or a worker: what a Content-Security-Policy applies to.</summary>
    internal static bool TakesPolicy(PathString path, string? contentType) =>
        contentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true || path.Equals(WorkerPath, StringComparison.Ordinal);

    private static Ok<WebClientConfig> GetConfig(IOptions<IrcStreamOptions> options, IWebHostEnvironment environment, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(WebClientSettings.Config(options.Value) with { Languages = WebClientLanguages.In(environment.WebRootFileProvider) });
    }
}

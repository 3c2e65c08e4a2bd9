using IrcStream.Api.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.WebClient;

/// <summary>Serves the browser client from wwwroot, its read-only settings, and the security headers it relies on.</summary>
public static class WebClientExtensions
{
    /// <summary>
    /// Only the gateway's own files run and load: IRC text can never become script, style, a frame or a
    /// connection elsewhere, even if some rendering bug let markup through.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Adds the security headers to every response, serves wwwroot (index.html at /), and maps <c>GET /api/config</c> (the allowed servers).</summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Revalidate every time (ETag makes that cheap), so a new client version is picked up on reload.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapGet("/api/config", GetConfig).WithName("GetWebClientConfig");
        return app;
    }

    private static Ok<WebClientConfig> GetConfig(IOptions<IrcStreamOptions> options, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new WebClientConfig(options.Value.AllowedServers.ToArray()));
    }
}

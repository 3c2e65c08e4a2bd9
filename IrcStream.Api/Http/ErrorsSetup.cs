using Microsoft.AspNetCore.Diagnostics;

namespace IrcStream.Api.Http;

/// <summary>Every error as application/problem+json, including the ones ASP.NET Core produces itself.</summary>
public static class ErrorsSetup
{
    public static IServiceCollection AddGatewayErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context => context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status));
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Without this, a body that is not JSON or a query value that is not a number gets a bare 400 with no detail.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Advice for the problems ASP.NET Core writes by itself (status code pages), which carry no detail.</summary>
    internal static string DefaultDetail(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read. Check it against API.md and send it again.",
        StatusCodes.Status404NotFound => "There is nothing at this address. Check the URL against API.md.",
        StatusCodes.Status405MethodNotAllowed => "This address does not take this method. Check API.md for the methods it takes.",
        StatusCodes.Status413PayloadTooLarge => $"The request body is over {RequestBodyLimit.MaxBodyBytes / 1024} KiB. Send fewer or shorter lines per request.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
        >= 500 => "The gateway failed to handle the request. Try again; if it keeps failing, tell the gateway's operator.",
        _ => "Check the request against API.md and send it again.",
    };

    public static IApplicationBuilder UseGatewayErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>Turns a request ASP.NET Core could not read (bad JSON, bad query value, body too large) into a problem with advice.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var (title, detail) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("Request body too large",
                $"The request body is over {RequestBodyLimit.MaxBodyBytes / 1024} KiB. Send fewer or shorter lines per request."),
            _ when bad.InnerException is System.Text.Json.JsonException json => ("Malformed JSON",
                $"The request body is not the JSON this route expects ({json.Message}). Send a JSON object as described in API.md."),
            _ => ("Bad request", $"{bad.Message} Correct the request and send it again."),
        };
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = title, Detail = detail },
        });
    }
}

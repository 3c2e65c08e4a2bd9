using Microsoft.AspNetCore.Http.Features;

namespace IrcStream.Api.Http;

/// <summary>Caps request bodies at 64 KiB (413): early when Content-Length says so, otherwise while the body is read.</summary>
public static class RequestBodyLimit
{
    public const long MaxBodyBytes = 64 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(static async (context, next) =>
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body is over {MaxBodyBytes / 1024} KiB. Send fewer or shorter lines per request.");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        await next(context);
    });
}

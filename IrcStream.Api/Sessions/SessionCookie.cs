using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Sessions;

/// <summary>The <c>ircstream_session</c> cookie: a new random value, its shape, and how it is set.</summary>
internal static class SessionCookie
{
    public const string Name = "ircstream_session";
    private const int ValueBytes = 32;

    /// <summary>The SHA-256 of a cookie value, in hex: what names a session wherever the cookie must not appear.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static string NewValue() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ValueBytes));

    /// <summary>The request's cookie value when it has the shape of one the gateway gives out; null otherwise.</summary>
    public static string? Read(HttpContext context) =>
        context.Request.Cookies.TryGetValue(Name, out var value) && value is not null
            && Base64Url.IsValid(value, out var bytes) && bytes == ValueBytes ? value : null;

    /// <summary>
    /// Strict by default. When the client may be embedded (<c>IrcStream:WebClient:FrameAncestors</c>), a cookie a
    /// cross-site frame keeps: <c>SameSite=None; Secure; Partitioned</c> (CHIPS), so each embedding site gets a
    /// session of its own, also where third-party cookies are blocked. Requests still pass the same-origin check.
    /// </summary>
    public static void Set(HttpContext context, string value)
    {
        var embeddable = context.RequestServices.GetRequiredService<IOptions<IrcStreamOptions>>().Value.WebClient.Embeddable;
        var options = new CookieOptions
        {
            HttpOnly = true,
            SameSite = embeddable ? SameSiteMode.None : SameSiteMode.Strict,
            Path = "/",
            Secure = embeddable || context.Request.IsHttps,
            IsEssential = true,
        };
        if (embeddable) options.Extensions.Add("Partitioned");
        context.Response.Cookies.Append(Name, value, options);
    }
}

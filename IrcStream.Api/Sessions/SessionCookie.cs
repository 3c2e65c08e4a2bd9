using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

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

    public static void Set(HttpContext context, string value) => context.Response.Cookies.Append(Name, value, new CookieOptions
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = context.Request.IsHttps,
        IsEssential = true,
    });
}

namespace IrcStream.Api.Http;

/// <summary>
/// A request one gateway node sent on to another (Redis mode: to the node that owns the connection), marked by
/// <see cref="Header"/> with the sending node's id. Such a request is answered where it arrives, never forwarded again,
/// and never makes a new session.
/// </summary>
internal static class ForwardedRequest
{
    public const string Header = "X-IrcStream-Forwarded-By";

    public static bool Is(HttpContext http) => http.Request.Headers.ContainsKey(Header);
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace IrcStream.Benchmarks.Load;

/// <summary>One load session: its cookie and the IRC connection it opened.</summary>
public sealed record LoadSession(string Cookie, string ConnectionId, string Nick);

public enum Transport { Sse, Poll }

/// <summary>
/// The browsers' side of the gateway scenarios: one <see cref="HttpClient"/> for every session (cookies are
/// sent by hand, so each session keeps its own), with no limit on connections per server, since every open
/// SSE stream holds one HTTP/1.1 connection.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    private const string CookieName = "ircstream_session";
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public GatewayClient(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A new session (no cookie yet) that connects to <paramref name="server"/> as <paramref name="nick"/>.</summary>
    public async Task<LoadSession> ConnectAsync(string server, string nick, CancellationToken cancellationToken, string[]? channels = null)
    {
        using var response = await _http.PostAsJsonAsync("/api/connections", new { server, nick, channels = channels ?? [] }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException(
                $"POST /api/connections for {nick} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        var cookie = response.Headers.GetValues("Set-Cookie").Select(SessionCookie).First(c => c is not null)!;
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new LoadSession(cookie, body.RootElement.GetProperty("id").GetString()!, nick);
    }

    /// <summary>DELETE the session's connection (QUIT, close); its streams end after the CLOSED status.</summary>
    public async Task DeleteAsync(LoadSession session, CancellationToken cancellationToken)
    {
        using var request = Request($"/api/connections/{session.ConnectionId}", session);
        request.Method = HttpMethod.Delete;
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NoContent)
            throw new InvalidOperationException($"DELETE of {session.Nick}'s connection gave {(int)response.StatusCode}.");
    }

    /// <summary>POST /lines for the session's connection; the status it answered.</summary>
    public async Task<HttpStatusCode> SendLinesAsync(LoadSession session, string[] lines, CancellationToken cancellationToken)
    {
        using var request = Request($"/api/connections/{session.ConnectionId}/lines", session);
        request.Method = HttpMethod.Post;
        request.Content = JsonContent.Create(new { lines });
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The <c>name=value</c> part of a Set-Cookie header for the session cookie, or null for another cookie.</summary>
    public static string? SessionCookie(string setCookie)
    {
        var end = setCookie.IndexOf(';', StringComparison.Ordinal);
        var pair = end < 0 ? setCookie : setCookie[..end];
        return pair.StartsWith(CookieName + "=", StringComparison.Ordinal) ? pair : null;
    }

    /// <summary>Reads the session's event stream until <paramref name="onEvent"/> returns false (true) or the stream ends (false).</summary>
    public Task<bool> ReadAsync(Transport transport, LoadSession session, Func<ReceivedEvent, bool> onEvent, CancellationToken cancellationToken) =>
        transport == Transport.Sse ? ReadSseAsync(session, onEvent, cancellationToken) : PollAsync(session, onEvent, cancellationToken);

    private async Task<bool> ReadSseAsync(LoadSession session, Func<ReceivedEvent, bool> onEvent, CancellationToken cancellationToken)
    {
        using var request = Request($"/api/connections/{session.ConnectionId}/events", session);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await new SseEventReader().ReadAsync(stream, onEvent, cancellationToken);
    }

    /// <summary>Long-polls from seq 0 on, each poll asking for what follows the last seq it got, as a browser does.</summary>
    private async Task<bool> PollAsync(LoadSession session, Func<ReceivedEvent, bool> onEvent, CancellationToken cancellationToken)
    {
        long since = 0;
        var timeout = PollWait.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            using var request = Request($"/api/connections/{session.ConnectionId}/poll?since={since}&timeout={timeout}", session);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!PollBatch.Read(body, onEvent, ref since)) return true;
        }
    }

    private static HttpRequestMessage Request(string path, LoadSession session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", session.Cookie);
        return request;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Reads a poll response (a JSON array of event objects) into <see cref="ReceivedEvent"/>s.</summary>
public static class PollBatch
{
    /// <summary>Hands each event to <paramref name="onEvent"/> and moves <paramref name="since"/> to its seq; false when the handler asked to stop.</summary>
    public static bool Read(ReadOnlySpan<byte> json, Func<ReceivedEvent, bool> onEvent, ref long since)
    {
        var reader = new Utf8JsonReader(json);
        long seq = 0, sent = 0, from = 0, to = 0;
        var kind = EventKind.Other;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when reader.CurrentDepth == 1:
                    seq = sent = from = to = 0;
                    kind = EventKind.Other;
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 2:
                    if (reader.ValueTextEquals("seq"u8)) { reader.Read(); seq = reader.GetInt64(); }
                    else if (reader.ValueTextEquals("type"u8)) { reader.Read(); kind = SseEventReader.Kind(reader.ValueSpan); }
                    else if (reader.ValueTextEquals("status"u8)) { reader.Read(); if (reader.ValueTextEquals("REGISTERED"u8)) kind = EventKind.Registered; }
                    else if (reader.ValueTextEquals("from"u8)) { reader.Read(); from = reader.GetInt64(); }
                    else if (reader.ValueTextEquals("to"u8)) { reader.Read(); to = reader.GetInt64(); }
                    break;
                case JsonTokenType.String when reader.CurrentDepth == 3 && reader.ValueSpan.StartsWith("sent "u8):
                    sent = EventData.SentTimestamp(json.Slice((int)reader.TokenStartIndex));
                    break;
                case JsonTokenType.EndObject when reader.CurrentDepth == 1:
                    since = Math.Max(since, seq);
                    if (!onEvent(new ReceivedEvent(seq, kind, sent, from, to))) return false;
                    break;
            }
        }
        return true;
    }
}

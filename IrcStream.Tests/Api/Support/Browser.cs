using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace IrcStream.Tests.Api.Support;

/// <summary>An HTTP client with its own cookie jar, like one browser talking to the gateway.</summary>
public sealed class Browser : IDisposable
{
    /// <summary>A browser on <paramref name="baseAddress"/>; give it another's <paramref name="cookies"/> to be that browser talking to another node.</summary>
    public Browser(Uri baseAddress, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        // MaxResponseDrainSize 0: a response disposed unread (a stream the test is done with) closes its connection
        // at once, as a browser's EventSource.close() does, instead of being drained for up to 2 s while the
        // gateway still counts the stream as open.
        Handler = new SocketsHttpHandler
        {
            CookieContainer = Cookies, UseCookies = true, PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxResponseDrainSize = 0,
        };
        Http = new HttpClient(Handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(90) };
    }

    public CookieContainer Cookies { get; }
    public SocketsHttpHandler Handler { get; }
    public HttpClient Http { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Opens a connection to <paramref name="server"/> and returns its id (asserting 201).</summary>
    public async Task<string> ConnectAsync(string server = "127.0.0.1:6667", string? nick = "alice", string[]? channels = null)
    {
        using var response = await Http.PostAsJsonAsync("/api/connections", new { server, nick, channels }, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> PostLinesAsync(string id, params string[] lines) =>
        Http.PostAsJsonAsync($"/api/connections/{id}/lines", new { lines }, Token);

    public async Task<JsonElement[]> PollAsync(string id, long since, double timeoutSeconds)
    {
        using var response = await Http.GetAsync(
            $"/api/connections/{id}/poll?since={since}&timeout={timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Opens the SSE stream (asserting 200) and returns a reader of its items.</summary>
    public Task<EventStreamReader> OpenEventsAsync(string id, long? lastEventId = null) => OpenEventsUntilAsync(id, lastEventId, Token);

    /// <summary>Like <see cref="OpenEventsAsync"/>; cancelling <paramref name="cancellationToken"/> cuts the stream as a browser tab closing would.</summary>
    public async Task<EventStreamReader> OpenEventsUntilAsync(string id, long? lastEventId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/connections/{id}/events");
        if (lastEventId is { } last) request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var token = cancellationToken;
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(token);
            response.Dispose();
            throw new InvalidOperationException($"The event stream answered {(int)response.StatusCode}: {body}");
        }
        var stream = await response.Content.ReadAsStreamAsync(token);
        return new EventStreamReader(response, stream, token);
    }

    public void Dispose()
    {
        Http.Dispose();
        Handler.Dispose();
    }
}

/// <summary>Reads an SSE response with <see cref="SseParser"/>, one item at a time, each wait bounded.</summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _items;

    internal EventStreamReader(HttpResponseMessage response, Stream stream, CancellationToken cancellationToken)
    {
        _response = response;
        _items = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The next item, or null when the stream ended; fails the test when none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseItem<string>?> NextAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var next = _items.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(limit, TestContext.Current.CancellationToken)) != next)
            throw new TimeoutException($"No SSE item arrived within {limit}.");
        return await next ? _items.Current : null;
    }

    /// <summary>The next item that is not a keepalive.</summary>
    public async Task<SseItem<string>?> NextEventAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var item = await NextAsync(timeout);
            if (item is null || item.Value.EventType != "keepalive") return item;
        }
    }

    /// <summary>Reads on until an event's JSON matches, failing with the last events that did arrive when none does within <paramref name="patience"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string what, Func<JsonElement, bool> predicate, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            var item = await NextEventAsync(deadline - DateTime.UtcNow);
            if (item is null) break;
            var json = JsonDocument.Parse(item.Value.Data).RootElement.Clone();
            if (predicate(json)) return json;
            seen.Add(item.Value.Data);
        }
        throw new TimeoutException($"No event '{what}' within {patience}. Received: {string.Join(" | ", seen.TakeLast(15))}");
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException or InvalidOperationException)
        {
            // The stream was cut on purpose.
        }
    }
}

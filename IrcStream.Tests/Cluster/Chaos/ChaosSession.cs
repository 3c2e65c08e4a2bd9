using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace IrcStream.Tests.Cluster.Chaos;

/// <summary>One event as a reader or the final log has it: its seq, type and the event object's JSON.</summary>
internal sealed record ChaosEvent(long Seq, string Type, string Json)
{
    public JsonElement Parse() => JsonDocument.Parse(Json).RootElement;
}

/// <summary>
/// One browser session of the chaos test: its cookie jar (the same on every node), one IRC connection in one channel,
/// and a reader of its event stream that follows the load balancer: when its node dies or ends the stream, it opens
/// the stream on another live node with <c>Last-Event-ID</c>.
/// </summary>
internal sealed class ChaosSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly List<ChaosEvent> _seen = [];
    private readonly List<string> _problems = [];
    private readonly Dictionary<int, int> _streamAnswers = [];
    private long _last;

    /// <summary>A session as the checks see it: what its reader got (for tests of the checks themselves).</summary>
    internal static ChaosSession Recorded(int index, string nick, string channel, IEnumerable<ChaosEvent> seen)
    {
        var session = new ChaosSession(index, nick, channel);
        session._seen.AddRange(seen);
        session.StreamsOpened = 1;
        return session;
    }

    private ChaosSession(int index, string nick, string channel)
    {
        Index = index;
        Nick = nick;
        Channel = channel;
        var handler = new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(), UseCookies = true, MaxResponseDrainSize = 0, ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Index { get; }

    /// <summary>The nick asked for; the connection may register with another that starts with it (<c>nick_</c>).</summary>
    public string Nick { get; }

    public string Channel { get; }

    public string Id { get; private set; } = "";

    /// <summary>Streams opened by the reader (the first one included).</summary>
    public int StreamsOpened { get; private set; }

    /// <summary>The events the reader got, in the order it got them.</summary>
    public IReadOnlyList<ChaosEvent> Seen
    {
        get
        {
            lock (_seen) return [.. _seen];
        }
    }

    /// <summary>What the reader found wrong as it read (an event twice or out of order, a gap).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems) return [.. _problems];
        }
    }

    public long LastSeen => Interlocked.Read(ref _last);

    /// <summary>How the nodes answered the reader's stream requests, by HTTP status.</summary>
    public IReadOnlyDictionary<int, int> StreamAnswers
    {
        get
        {
            lock (_streamAnswers) return new Dictionary<int, int>(_streamAnswers);
        }
    }

    /// <summary>Creates the session and its connection on <paramref name="node"/>.</summary>
    public static async Task<ChaosSession> OpenAsync(int index, string nick, string channel, Uri node, string server, CancellationToken cancellationToken)
    {
        var session = new ChaosSession(index, nick, channel);
        using var response = await session._http.PostAsJsonAsync(new Uri(node, "/api/connections"), new { server, nick, channels = new[] { channel } }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Session {index}: POST /api/connections answered {(int)response.StatusCode}: {body}");
        session.Id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        return session;
    }

    /// <summary>Reads the stream until <paramref name="cancellationToken"/>, or until the connection's log ended (CLOSED).</summary>
    public async Task ReadAsync(ILoadBalancer cluster, CancellationToken cancellationToken)
    {
        Uri? previous = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var node = cluster.Pick(avoid: previous);
            if (node is null)
            {
                await Pause(cancellationToken);
                continue;
            }
            previous = node;
            try
            {
                if (await ReadStreamAsync(node, cancellationToken)) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                // The test is over; or the node died under the stream, or refused it while going down: the load balancer picks another.
                if (cancellationToken.IsCancellationRequested) return;
            }
            await Pause(cancellationToken);
        }
    }

    /// <summary>The whole log as any live node serves it now, paged through the poll endpoint.</summary>
    public async Task<IReadOnlyList<ChaosEvent>> ReadLogAsync(ILoadBalancer cluster, CancellationToken cancellationToken)
    {
        var events = new List<ChaosEvent>();
        long since = 0;
        while (true)
        {
            var node = cluster.Pick() ?? throw new InvalidOperationException("No node is live to read the log from.");
            using var response = await _http.GetAsync(new Uri(node, $"/api/connections/{Id}/poll?since={since}&timeout=0"), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Session {Index}: poll answered {(int)response.StatusCode}: {body}");
            var page = JsonDocument.Parse(body).RootElement.EnumerateArray().ToArray();
            if (page.Length == 0) return events;
            foreach (var item in page)
            {
                var seq = item.GetProperty("seq").GetInt64();
                events.Add(new ChaosEvent(seq, item.GetProperty("type").GetString()!, item.GetRawText()));
                since = seq;
            }
        }
    }

    /// <summary>The connection object as a live node describes it.</summary>
    public async Task<JsonElement> DescribeAsync(ILoadBalancer cluster, CancellationToken cancellationToken)
    {
        var node = cluster.Pick() ?? throw new InvalidOperationException("No node is live.");
        using var response = await _http.GetAsync(new Uri(node, $"/api/connections/{Id}"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Session {Index}: GET answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The session's own HTTP client (its cookie), for requests beside the reader's.</summary>
    public HttpClient Http => _http;

    public void Dispose() => _http.Dispose();

    /// <summary>One stream on <paramref name="node"/>; true when the log ended with CLOSED (nothing more will come).</summary>
    private async Task<bool> ReadStreamAsync(Uri node, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"/api/connections/{Id}/events"));
        var last = LastSeen;
        if (last > 0) request.Headers.Add("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        lock (_streamAnswers) _streamAnswers[(int)response.StatusCode] = _streamAnswers.GetValueOrDefault((int)response.StatusCode) + 1;
        if (response.StatusCode != HttpStatusCode.OK) return false;
        StreamsOpened++;
        // A browser's stream does not last for ever either (a reload, a network change): now and then the reader
        // leaves on its own and the load balancer may send it to another node.
        var leaveAfter = Random.Shared.Next(20, 80);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.EventType == "keepalive") continue;
            var seq = long.Parse(item.EventId ?? "0", CultureInfo.InvariantCulture);
            var seen = new ChaosEvent(seq, item.EventType, item.Data);
            lock (_seen)
            {
                if (seq <= _last) Problem($"event {seq} came after event {_last} (on {node})");
                if (item.EventType == "gap") Problem($"a gap {item.Data} (on {node})");
                _seen.Add(seen);
                Interlocked.Exchange(ref _last, Math.Max(_last, seq));
            }
            if (item.EventType == "status" && seen.Parse().GetProperty("status").GetString() == "CLOSED") return true;
            if (--leaveAfter == 0) return false;
        }
        return false;
    }

    private void Problem(string text)
    {
        lock (_problems) _problems.Add(text);
    }

    private static async Task Pause(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(100, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

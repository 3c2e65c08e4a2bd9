using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Two real gateway processes sharing a real redis-server, in front of a real InspIRCd, while a channel is busy: a browser
/// leaves its event stream every way a browser does, again and again on both nodes, and neither gateway logs an error.
/// </summary>
/// <remarks>
/// Issue 23: a browser closing its stream on a node that reads the log from Redis sometimes ended in
/// <c>NotSupportedException</c> from the stream's disposal (an async iterator disposed while its next item's wait still
/// ran). The unit reproduction is in <c>Api/EventStreamResultTests</c>; this is the same path through real processes.
/// </remarks>
[Collection("InspIRCd")]
public sealed class BrowserStreamCloseTests(InspircdFixture irc)
{
    private const int Rounds = 8;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>How a browser leaves a stream.</summary>
    private enum Leaving
    {
        /// <summary>The tab is closed: the browser aborts the request mid-stream.</summary>
        TabClosed,

        /// <summary>The network is gone: the connection is reset under the stream (RST, nothing more is read).</summary>
        NetworkGone,

        /// <summary>A reload: the stream is closed, and a new one opens at once with <c>Last-Event-ID</c>.</summary>
        Reload,
    }

    [Fact]
    public async Task StreamsClosedAsBrowsersCloseThemOnTwoNodesLogNoError()
    {
        var server = irc.Server;
        await using var nodes = await TwoNodes.StartAsync("close", server.Port);
        var channel = "#" + RawIrcClient.UniqueNick("close");
        await using var writer = await IrcWatcher.JoinAsync(server, channel, Patience, Token);
        var nick = RawIrcClient.UniqueNick("gw");
        var id = await nodes.OnA.ConnectAsync($"127.0.0.1:{server.Port}", nick, [channel]);
        await writer.WaitForAsync(IrcWatcher.From("JOIN", nick), Patience, Token);

        // The channel is busy the whole time, so streams are cut while a batch of events is being written or awaited.
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var written = 0;
        var writing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(30));
            try
            {
                while (await timer.WaitForNextTickAsync(stopWriting.Token))
                    await writer.SendAsync($"PRIVMSG {channel} :busy {Interlocked.Increment(ref written)}", CancellationToken.None);
            }
            catch (OperationCanceledException) when (stopWriting.IsCancellationRequested)
            {
            }
        }, Token);

        var browsers = new[] { (Name: "A", Browser: nodes.OnA), (Name: "B", Browser: nodes.OnB) };
        long last = 0;
        var closed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var leaving in Enum.GetValues<Leaving>())
            {
                var (name, browser) = browsers[(round + (int)leaving) % 2];
                var what = $"round {round + 1}, {leaving} on node {name}";
                last = leaving switch
                {
                    Leaving.TabClosed => await ReadThenAbortAsync(browser, id, last, what),
                    Leaving.NetworkGone => await ReadThenResetAsync(browser, id, last, what),
                    _ => await ReloadAsync(browser, browsers[(round + (int)leaving + 1) % 2].Browser, id, last, what),
                };
                closed++;
            }
        }

        // Both nodes go on serving the session after all that: a last stream on each reads on from where the browser was.
        foreach (var (name, browser) in browsers)
        {
            await using var stream = await browser.OpenEventsAsync(id, last);
            (await NextSeqAsync(stream, $"the last stream on node {name}")).Should().BeGreaterThan(last);
        }
        await stopWriting.CancelAsync();
        await writing;

        var errors = Errors(nodes.A.Output).Select(l => "A: " + l).Concat(Errors(nodes.B.Output).Select(l => "B: " + l)).ToArray();
        errors.Should().BeEmpty($"{closed} streams were closed as browsers close them, with {Volatile.Read(ref written)} lines written meanwhile, and neither node should log an error; A printed:{Environment.NewLine}{nodes.A.Output}{Environment.NewLine}B printed:{Environment.NewLine}{nodes.B.Output}");
    }

    /// <summary>Lines of a gateway's console log at level error or critical, or naming an unhandled exception.</summary>
    private static IEnumerable<string> Errors(string output) =>
        output.Split('\n').Where(line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
                                         || line.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase)
                                         || line.Contains("NotSupportedException", StringComparison.Ordinal));

    /// <summary>A tab closed: a few events read, then the request aborted while events still come.</summary>
    private static async Task<long> ReadThenAbortAsync(Browser browser, string id, long last, string what)
    {
        using var tab = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var stream = await browser.OpenEventsUntilAsync(id, last == 0 ? null : last, tab.Token);
        try
        {
            for (var i = 0; i < 3; i++) last = await NextSeqAsync(stream, what);
            await tab.CancelAsync();
        }
        finally
        {
            await stream.DisposeAsync();
        }
        return last;
    }

    /// <summary>
    /// The network gone: the request on a socket of its own, a few events read from it, then the socket reset (SO_LINGER 0),
    /// so the node's next write or read fails as it does when a phone loses its network.
    /// </summary>
    private static async Task<long> ReadThenResetAsync(Browser browser, string id, long last, string what)
    {
        var node = browser.Http.BaseAddress!;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, node.Port, Token);
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"GET /api/connections/{id}/events HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {node.Authority}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Cookie: {browser.Cookies.GetCookieHeader(node)}\r\n")
            .Append("Accept: text/event-stream\r\n");
        if (last > 0) request.Append(CultureInfo.InvariantCulture, $"Last-Event-ID: {last}\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), SocketFlags.None, Token);

        var received = new StringBuilder();
        var buffer = new byte[8192];
        var ids = new List<long>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Token);
        patience.CancelAfter(Patience);
        while (ids.Count < 3)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token);
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
                throw new TimeoutException($"{what}: fewer than 3 events within {Patience.TotalSeconds:0} s; read: {received}");
            }
            if (read == 0) throw new InvalidOperationException($"{what}: the node closed the stream; read: {received}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            ids.Clear();
            foreach (var line in received.ToString().Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(4).TrimEnd('\r'), CultureInfo.InvariantCulture, out var seq)) ids.Add(seq);
            }
        }
        received.ToString().Should().StartWith("HTTP/1.1 200", what);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        // Only whole events count: the last one read may be cut off mid-way, so resume after the one before it.
        return ids[^2];
    }

    /// <summary>A reload: a stream read and closed, and at once a new one (on the other node, as a load balancer may choose) with Last-Event-ID, which goes on with the next event.</summary>
    private static async Task<long> ReloadAsync(Browser before, Browser after, string id, long last, string what)
    {
        await using (var stream = await before.OpenEventsAsync(id, last == 0 ? null : last))
        {
            for (var i = 0; i < 3; i++) last = await NextSeqAsync(stream, what);
        }
        await using var reloaded = await after.OpenEventsAsync(id, last);
        var next = await NextSeqAsync(reloaded, what + " (reloaded)");
        next.Should().Be(last + 1, $"{what}: the reloaded stream goes on with the next event, none lost or repeated");
        return next;
    }

    /// <summary>The seq of the next event that is not a keepalive; a gap fails the test.</summary>
    private static async Task<long> NextSeqAsync(EventStreamReader stream, string what)
    {
        var item = await stream.NextEventAsync(Patience) ?? throw new InvalidOperationException($"{what}: the stream ended.");
        item.EventType.Should().NotBe("gap", what);
        return long.Parse(item.EventId!, CultureInfo.InvariantCulture);
    }
}

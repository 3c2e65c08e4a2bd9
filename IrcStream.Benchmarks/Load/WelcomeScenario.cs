using System.Globalization;
using System.Text;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Welcome: K sessions, each with an IRC connection and an open reader, that receive what a real network sends
/// after 001 (002-004, three 005 lines, a 40-line MOTD, then the JOIN of one channel with its topic and the
/// NAMES of its 500 members) and then sit idle. Opened in two halves, so the figures are per session in total
/// and marginal (the second half only); the heap is sampled after a full, compacting GC. Then every stream is closed
/// (the sessions and IRC connections stay, as when the browser tabs close) and a third half is opened and its streams
/// closed: the heap of an idle session without an open stream, after the welcome and without one.
/// </summary>
public static class WelcomeScenario
{
    public const string Name = "welcome";

    public const int MotdLines = 40;
    public const int ChannelMembers = 500;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<ScenarioReport> RunAsync(LoadOptions options, Transport transport, CancellationToken cancellationToken)
    {
        var half = Math.Max(1, options.DensitySessions / 2);
        var sessions = 2 * half;
        var runs = new List<ScenarioRun>();
        for (var run = 1; run <= options.Runs; run++)
        {
            await using var rig = await GatewayRig.StartAsync(1000, cancellationToken);
            var start = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}-start", cancellationToken);
            await rig.OpenAsync(transport, static _ => true, cancellationToken);
            var before = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var load = ScenarioReport.ReadLoadAverage();
            long delivered = 0;
            bool Count(ReceivedEvent e)
            {
                if (e.Kind == EventKind.Message) Interlocked.Increment(ref delivered);
                return true;
            }

            var first = await rig.OpenManyAsync(half, transport, Count, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            var bare = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}-bare", cancellationToken);
            var lines = await WelcomeAsync(first, () => Interlocked.Read(ref delivered), 0, options, cancellationToken);
            var halfWay = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            var second = await rig.OpenManyAsync(half, transport, Count, cancellationToken);
            await WelcomeAsync(second, () => Interlocked.Read(ref delivered), (long)half * lines, options, cancellationToken);
            var all = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}-welcomed", cancellationToken);

            // The common idle state of a gateway that keeps connections: the browser tab is closed, the session and
            // its IRC connection stay. First every welcomed session's stream is closed, then a third half is opened
            // and its streams closed once registered (no welcome).
            await Task.WhenAll(first.Concat(second).Select(s => s.StopReadingAsync()));
            await Task.Delay(Settle, cancellationToken);
            var closed = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}-closed", cancellationToken);
            var third = await rig.OpenManyAsync(half, transport, Count, cancellationToken);
            await Task.WhenAll(third.Select(s => s.StopReadingAsync()));
            await Task.Delay(Settle, cancellationToken);
            var bareClosed = await rig.Gateway.MeasureAsync(collect: true, cancellationToken);
            await rig.Gateway.DumpHeapAsync(options.HeapDumps, $"{Name}-{run}-nostream", cancellationToken);
            runs.Add(new ScenarioRun(run, new Dictionary<string, double>
            {
                ["heap B/session, no welcome"] = (double)(bare.HeapBytes - before.HeapBytes) / half,
                ["heap B/session"] = (double)(all.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/session marginal"] = (double)(all.HeapBytes - halfWay.HeapBytes) / half,
                ["heap B/session, no welcome, no stream"] = (double)(bareClosed.HeapBytes - closed.HeapBytes) / half,
                ["heap B/session after the welcome, no stream"] = (double)(closed.HeapBytes - before.HeapBytes) / sessions,
                ["heap B/welcome event"] = (double)(halfWay.HeapBytes - bare.HeapBytes) / half / lines,
                ["RSS B/session"] = (double)(all.WorkingSetBytes - before.WorkingSetBytes) / sessions,
                ["RSS B/session marginal"] = (double)(all.WorkingSetBytes - halfWay.WorkingSetBytes) / half,
                ["gateway RSS MB at start"] = start.WorkingSetBytes / 1e6,
                ["gateway heap MB at start"] = start.HeapBytes / 1e6,
                ["gateway RSS MB"] = all.WorkingSetBytes / 1e6,
                ["welcome lines"] = lines,
                [ScenarioReport.LoadAverage] = load,
            }));
        }
        var parameters = new Dictionary<string, string>
        {
            ["sessions"] = sessions.ToString(CultureInfo.InvariantCulture),
            ["motd lines"] = MotdLines.ToString(CultureInfo.InvariantCulture),
            ["channel members"] = ChannelMembers.ToString(CultureInfo.InvariantCulture),
            ["transport"] = FirehoseScenario.Label(transport),
            ["gc"] = HarnessGateway.Gc,
        };
        return ScenarioReport.From($"{Name}-{transport.ToString().ToLowerInvariant()}",
            $"{sessions} sessions (two halves), each welcomed as by a real network then idle: heap and RSS per session, total and marginal",
            parameters, runs, baselineRate: null);
    }

    /// <summary>Sends every session its welcome and waits until the readers have it all; returns the lines per session.</summary>
    private static async Task<int> WelcomeAsync(OpenSession[] sessions, Func<long> delivered, long already, LoadOptions options, CancellationToken cancellationToken)
    {
        var lines = 0;
        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (open, ct) =>
        {
            var welcome = Lines(open.Session.Nick);
            Volatile.Write(ref lines, welcome.Count);
            await open.Pump.SendAsync(Encoding.UTF8.GetBytes(string.Concat(welcome.Select(l => l + "\r\n"))), ct);
        });
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(options.RunTimeout);
            while (delivered() < already + (long)sessions.Length * lines) await Task.Delay(100, limit.Token);
        }
        await Task.Delay(Settle, cancellationToken);
        return lines;
    }

    /// <summary>The welcome burst a network like Libera sends after 001, to <paramref name="nick"/>.</summary>
    public static List<string> Lines(string nick)
    {
        const string server = IrcPumpServer.ServerName;
        var lines = new List<string>
        {
            $":{server} 002 {nick} :Your host is {server}, running version solanum-1.0-dev",
            $":{server} 003 {nick} :This server was created Mon Nov 30 2026 at 17:09:51 UTC",
            $":{server} 004 {nick} {server} solanum-1.0-dev DGIMQRSZaghilopsuwz CFILMPQRSTbcefgijklmnopqrstuvz bkloveqjfI",
            $":{server} 005 {nick} ACCOUNTEXTBAN=a WHOX KNOCK MONITOR=100 ETRACE FNC SAFELIST ELIST=CMNTU CALLERID=g CHANTYPES=# EXCEPTS INVEX :are supported by this server",
            $":{server} 005 {nick} CHANMODES=eIbq,k,flj,CFLMPQRSTcgimnprstuz CHANLIMIT=#:250 PREFIX=(ov)@+ MAXLIST=bqeI:100 MODES=4 NETWORK=Libera.Chat STATUSMSG=@+ CASEMAPPING=rfc1459 NICKLEN=16 MAXNICKLEN=16 CHANNELLEN=50 TOPICLEN=390 :are supported by this server",
            $":{server} 005 {nick} DEAF=D TARGMAX=NAMES:1,LIST:1,KICK:1,WHOIS:1,PRIVMSG:4,NOTICE:4,ACCEPT:,MONITOR: EXTBAN=$,agjrxz :are supported by this server",
            $":{server} 375 {nick} :- {server} Message of the Day - ",
        };
        for (var i = 1; i <= MotdLines; i++)
            lines.Add($":{server} 372 {nick} :- {i:D2} Welcome to the network. Please read the rules at https://example.net/policies before you chat.");
        lines.Add($":{server} 376 {nick} :End of /MOTD command.");
        lines.Add($":{nick}!~{nick}@user/{nick} JOIN #ircstream");
        lines.Add($":{server} 332 {nick} #ircstream :IrcStream, a web IRC gateway | https://example.net/ircstream | be nice");
        lines.Add($":{server} 333 {nick} #ircstream founder!~founder@user/founder 1764000000");
        var names = new StringBuilder();
        for (var member = 0; member < ChannelMembers; member++)
        {
            var name = member switch { 0 => "@ChanServ", < 5 => $"@op{member}", < 20 => $"+voiced{member}", _ => $"member{member:D3}" };
            if (names.Length > 0 && names.Length + name.Length > 400)
            {
                lines.Add($":{server} 353 {nick} = #ircstream :{names}");
                names.Clear();
            }
            if (names.Length > 0) names.Append(' ');
            names.Append(name);
        }
        lines.Add($":{server} 353 {nick} = #ircstream :{names} {nick}");
        lines.Add($":{server} 366 {nick} #ircstream :End of /NAMES list.");
        return lines;
    }
}

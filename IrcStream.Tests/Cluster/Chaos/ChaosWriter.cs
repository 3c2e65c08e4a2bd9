using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster.Chaos;

/// <summary>
/// A plain IRC client, straight to the IRC server, in every channel of the chaos test, writing numbered lines into each.
/// It uses echo-message, so what it receives is the server's own order of everything in those channels: its lines, the
/// gateway connections' JOIN, QUIT, PART and NICK, and markers (<see cref="MarkAsync"/>) the test sets when a node
/// fails and when the cluster has recovered. The checks read that order (<see cref="ChaosCheck"/>).
/// </summary>
internal sealed class ChaosWriter : IAsyncDisposable
{
    public const string LinePrefix = "chaos ";
    public const string MarkPrefix = "chaos-mark-";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly RawIrcClient _client;
    private readonly IReadOnlyList<string> _channels;
    private int _rounds;

    private ChaosWriter(RawIrcClient client, IReadOnlyList<string> channels)
    {
        _client = client;
        _channels = channels;
    }

    public string Nick => _client.Nick;

    /// <summary>Numbered lines sent into each channel so far (1 up to this).</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>Everything the server sent, in its order.</summary>
    public IReadOnlyList<IrcMessage> Received => _client.Received;

    public static async Task<ChaosWriter> JoinAsync(ITestIrcServer server, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        var client = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("w"), ["echo-message"], cancellationToken);
        try
        {
            if (!client.EnabledCapabilities.Contains("echo-message")) throw new InvalidOperationException("The IRC server did not enable echo-message for the writer.");
            foreach (var line in Domain.Client.IrcClient.JoinLines(channels)) await client.SendAsync(line, cancellationToken);
            foreach (var channel in channels)
                await client.WaitForAsync(m => m.Command == "366" && m.Params.Count > 1 && IrcNames.Equal(m.Params[1], channel), Patience, cancellationToken);
            return new ChaosWriter(client, channels);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes round after round (line n into every channel) every <paramref name="period"/> until <paramref name="cancellationToken"/>.</summary>
    public async Task WriteAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            do
            {
                var n = Rounds + 1;
                foreach (var channel in _channels) await _client.SendAsync($"PRIVMSG {channel} :{LinePrefix}{n}", CancellationToken.None);
                Volatile.Write(ref _rounds, n);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Puts <paramref name="mark"/> into the server's order (a PING answered by a PONG) and returns once it came back:
    /// every line the server delivered before it is ahead of it, every line after it behind.
    /// </summary>
    public async Task MarkAsync(string mark, CancellationToken cancellationToken)
    {
        await _client.SendAsync($"PING :{MarkPrefix}{mark}", cancellationToken);
        await _client.WaitForAsync(m => m.Command == "PONG" && m.Params.Count > 0 && m.Params[^1] == MarkPrefix + mark, Patience, cancellationToken);
    }

    /// <summary>The nicks in <paramref name="channel"/> as NAMES lists them now (without prefixes).</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string channel, CancellationToken cancellationToken)
    {
        await _client.SendAsync($"NAMES {channel}", cancellationToken);
        var names = new List<string>();
        while (true)
        {
            var reply = await _client.WaitForAsync(m => m.Command is "353" or "366" && m.Params.Any(p => IrcNames.Equal(p, channel)), Patience, cancellationToken);
            if (reply.Command == "366") return names;
            names.AddRange(reply.Params[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => n.TrimStart('~', '&', '@', '%', '+')));
        }
    }

    /// <summary>True when a connection of every one of <paramref name="sessions"/> is in its channel now, in the server's order so far.</summary>
    public bool AllPresent(IEnumerable<ChaosSession> sessions)
    {
        var received = Received;
        return sessions.All(session => ChaosCheck.PresentNow(received, session, Nick));
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}

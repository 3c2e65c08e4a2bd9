using IrcStream.Domain.Protocol;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api.Support;

/// <summary>A plain IRC client in a channel, watching what the gateway's users do there.</summary>
public static class IrcWatcher
{
    /// <summary>Connects a <see cref="RawIrcClient"/> with a unique nick and returns once it is in <paramref name="channel"/>.</summary>
    public static async Task<RawIrcClient> JoinAsync(InspircdServer server, string channel, TimeSpan patience, CancellationToken cancellationToken)
    {
        var client = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("ca"), cancellationToken);
        await client.SendAsync($"JOIN {channel}", cancellationToken);
        await client.WaitForAsync(m => m.Command == "366", patience, cancellationToken);
        return client;
    }

    /// <summary>Matches a <paramref name="command"/> whose source is <paramref name="nick"/>.</summary>
    public static Func<IrcMessage, bool> From(string command, string nick) =>
        m => m.Command == command && (m.Source ?? "").StartsWith(nick + "!", StringComparison.OrdinalIgnoreCase);
}

using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>The contract's connection object.</summary>
public sealed record ConnectionDto(
    string Id,
    string Server,
    bool Tls,
    string State,
    string? Nick,
    IReadOnlyCollection<string> Channels,
    long LastSeq)
{
    internal static ConnectionDto From(IIrcConnection connection)
    {
        var options = connection.Options;
        return new ConnectionDto(
            options.ConnectionId,
            new ServerEndpoint(options.Host, options.Port).ToString(),
            options.Tls,
            connection.State.ToString().ToLowerInvariant(),
            connection.CurrentNick,
            connection.Channels.ToArray(),
            connection.Events.LastSeq);
    }
}

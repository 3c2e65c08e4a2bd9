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
    /// <summary>A state as the contract writes it.</summary>
    internal static string StateName(ConnectionState state) => state.ToString().ToLowerInvariant();

    internal static ConnectionDto From(IIrcConnection connection)
    {
        var options = connection.Options;
        return new ConnectionDto(
            options.ConnectionId,
            options.Endpoint,
            options.Tls,
            StateName(connection.State),
            connection.CurrentNick,
            connection.Channels.ToArray(),
            connection.Events.LastSeq);
    }
}

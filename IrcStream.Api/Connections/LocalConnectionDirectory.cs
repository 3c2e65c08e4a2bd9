using IrcStream.Api.Sessions;
using IrcStream.Domain.Connections;

namespace IrcStream.Api.Connections;

/// <summary>The directory of a gateway that runs alone: every connection it knows is one it holds.</summary>
internal sealed class LocalConnectionDirectory(OwnedConnections owned) : IConnectionDirectory
{
    public Func<bool>? WriteFence(string connectionId) => null;

    public Action<long>? LinesWritten(string connectionId) => null;

    public ValueTask LinesQueuedAsync(string connectionId, long lastNumber, IReadOnlyList<string> lines) => ValueTask.CompletedTask;

    public ValueTask RegisterAsync(IIrcConnection connection, IBrowserSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<ConnectionDto?> DescribeAsync(string connectionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(owned.Find(connectionId) is { } connection ? ConnectionDto.From(connection) : null);

    public ValueTask<IReadOnlyList<ConnectionDto>> DescribeAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ConnectionDto>>(connectionIds.Select(owned.Find).OfType<IIrcConnection>().Select(ConnectionDto.From).ToArray());

    public ValueTask ForgetAsync(string connectionId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

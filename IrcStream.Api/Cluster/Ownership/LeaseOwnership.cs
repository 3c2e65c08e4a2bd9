using IrcStream.Domain.Connections;

namespace IrcStream.Api.Cluster;

/// <summary>
/// This node's hold on one connection, given to the connection as it is opened (created here or taken over): it may
/// write to the IRC socket while its lease holds by this node's clock (<see cref="ConnectionLeases.MayWrite"/>), and
/// each write of the user's lines moves the connection's written mark in Redis (<see cref="PendingLines.Written"/>).
/// </summary>
internal sealed class LeaseOwnership(string connectionId, ConnectionLeases leases, PendingLines pending) : IConnectionOwnership
{
    public bool MayWrite => leases.MayWrite(connectionId);

    public void UserLinesWritten(long number) => pending.Written(connectionId, number);
}

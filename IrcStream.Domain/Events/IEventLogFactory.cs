namespace IrcStream.Domain.Events;

/// <summary>
/// Makes the log a new connection appends to: in this process's memory when the gateway runs alone, or one that
/// is also copied to a store every node reads (Redis mode). Chosen once at start-up.
/// </summary>
public interface IEventLogFactory
{
    IEventLog Create(string connectionId);
}

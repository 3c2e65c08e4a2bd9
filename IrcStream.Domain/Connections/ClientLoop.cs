using IrcStream.Domain.Client;

namespace IrcStream.Domain.Connections;

/// <summary>
/// The one caller of a connection's <see cref="IrcClient"/> while a socket is up: the socket's read and write
/// loops hand it what happened (<see cref="SocketInput"/>), in the order it happened, and it feeds each to the
/// client and carries out what it decides — events into the <see cref="ConnectionJournal"/>, lines onto the
/// <see cref="OutgoingQueue"/>'s priority path — before the loop that posted it goes on.
/// </summary>
/// <remarks>
/// Fed where it is posted, one input at a time under a lock, rather than by a loop of its own behind a channel:
/// an idle connection then holds no pending loop, no channel waiter and no queue array grown by the last burst
/// (heap snapshots, docs/BENCHMARKS.md), and a server that sends faster than the client keeps up is held back by
/// the read loop itself, which reads no more until its line is fed.
/// </remarks>
internal sealed class ClientLoop(IrcClient client, ConnectionJournal journal, OutgoingQueue outgoing)
{
    private readonly Lock _gate = new();
    private readonly IrcClientOutput _output = new();

    /// <summary>Tells the client the socket is up (<paramref name="detail"/>).</summary>
    public void Opened(string detail, DateTimeOffset now)
    {
        lock (_gate)
        {
            client.Opened(detail, now, _output);
            CarryOut();
        }
    }

    /// <summary>Feeds what happened to the client and carries out what it decides, after whatever was posted before it.</summary>
    public void Post(SocketInput input)
    {
        lock (_gate)
        {
            switch (input.Kind)
            {
                case SocketInputKind.Received:
                    client.Receive(input.Message!, input.Time, _output);
                    break;
                case SocketInputKind.Unreadable:
                    IrcClient.Unreadable(input.Text!, input.Time, _output);
                    break;
                case SocketInputKind.Written:
                    client.Written(input.Text!, input.Message, input.FromUser, input.Time, _output);
                    break;
            }
            CarryOut();
        }
    }

    private void CarryOut()
    {
        if (_output.IsEmpty) return;
        journal.Record(_output);
        foreach (var line in _output.Lines) outgoing.EnqueuePriority(line);
        if (_output.OpenUserLines) outgoing.OpenUserLines();
        _output.Clear();
    }
}

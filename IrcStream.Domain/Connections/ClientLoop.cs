using System.Threading.Channels;
using IrcStream.Domain.Client;

namespace IrcStream.Domain.Connections;

/// <summary>
/// The one caller of a connection's <see cref="IrcClient"/> while a socket is up: the socket's read and write
/// loops post what happened (<see cref="SocketInput"/>) to one channel, in the order it happened, and this loop
/// feeds each to the client and carries out what it decides — events into the <see cref="ConnectionJournal"/>,
/// lines onto the <see cref="OutgoingQueue"/>'s priority path. So no lock guards the client's state.
/// </summary>
internal sealed class ClientLoop(IrcClient client, ConnectionJournal journal, OutgoingQueue outgoing)
{
    /// <summary>
    /// Inputs waiting for the loop; a full channel makes the read loop wait, and so the server. Small, because the
    /// channel's queue keeps the largest array it ever grew to for the connection's life: a welcome burst of 65
    /// lines left 2.6 KB per connection at 256 (heap snapshot, docs/BENCHMARKS.md), and the loop drains it fast.
    /// </summary>
    private const int InputCapacity = 32;

    private readonly IrcClientOutput _output = new();
    private readonly Channel<SocketInput> _inputs = Channel.CreateBounded<SocketInput>(
        new BoundedChannelOptions(InputCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Tells the client the socket is up (<paramref name="detail"/>); called before <see cref="RunAsync"/>.</summary>
    public void Opened(string detail, DateTimeOffset now)
    {
        client.Opened(detail, now, _output);
        CarryOut();
    }

    /// <summary>Queues what happened for the loop, waiting while the channel is full.</summary>
    public ValueTask PostAsync(SocketInput input, CancellationToken cancellationToken) =>
        _inputs.Writer.TryWrite(input) ? ValueTask.CompletedTask : _inputs.Writer.WriteAsync(input, cancellationToken);

    /// <summary>No more inputs: the loop ends once it has fed those already posted (the server's last ERROR).</summary>
    public void Complete() => _inputs.Writer.TryComplete();

    public async Task RunAsync()
    {
        var inputs = _inputs.Reader;
        while (await inputs.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inputs.TryRead(out var input))
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

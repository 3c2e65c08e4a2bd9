using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace IrcStream.Tests.Support;

/// <summary>
/// A DNS server on port 53 of a loopback address of its own that answers every query at once with "no such name", so a
/// server that looks up each client's hostname (ircd-hybrid) registers it without waiting seconds for a resolver.
/// </summary>
/// <remarks>
/// A resolv.conf names a nameserver by address only, always on port 53; binding it needs root, as the ircd-hybrid fixture
/// does anyway. Each instance picks a free address in 127.53.0.0/16 so fixtures side by side do not share one.
/// </remarks>
internal sealed class NxdomainResolver : IAsyncDisposable
{
    private const int DnsPort = 53;
    private const int HeaderBytes = 12;
    private const ushort ResponseFlag = 0x8000;
    private const ushort OpcodeAndRecursionDesired = 0x7900;
    private const ushort RecursionAvailable = 0x0080;
    private const ushort NameError = 3;

    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _answered;

    private NxdomainResolver(UdpClient socket, IPAddress address)
    {
        _socket = socket;
        Address = address;
        _loop = AnswerAsync();
    }

    public IPAddress Address { get; }

    /// <summary>How many queries it has answered.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public static NxdomainResolver Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var address = new IPAddress([127, 53, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
            try
            {
                return new NxdomainResolver(new UdpClient(new IPEndPoint(address, DnsPort)), address);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        _stop.Dispose();
    }

    private async Task AnswerAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var query = await _socket.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            if (query.Buffer.Length < HeaderBytes) continue;
            // The query with its header turned into an answer: same id and question, no records, "no such name".
            var answer = query.Buffer.ToArray();
            var flags = BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(2));
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(2),
                (ushort)(ResponseFlag | (flags & OpcodeAndRecursionDesired) | RecursionAvailable | NameError));
            answer.AsSpan(6, 4).Clear();
            // Counted before it is sent: the server may finish the registration it waited on before this loop runs again.
            Interlocked.Increment(ref _answered);
            await _socket.SendAsync(answer, query.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// A DNS server on a loopback UDP port (ARSoft.Tools.Net), for the DNSBL tests and the harness's dnsbl scenario, that answers A queries from a table: a listed name gets its
/// address with its TTL, any other name NXDOMAIN with an SOA whose minimum is <see cref="NegativeTtl"/> (RFC 2308).
/// <see cref="StartSilent"/> gives a UDP port that reads every query and never answers.
/// </summary>
public sealed class LoopbackDnsServer : IAsyncDisposable
{
    private readonly DnsServer? _server;
    private readonly UdpClient? _silent;
    private readonly Task? _drain;
    private readonly ConcurrentDictionary<string, (IPAddress Address, int Ttl)> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _queries = new();

    private LoopbackDnsServer(int port, DnsServer? server, UdpClient? silent, Task? drain)
    {
        Port = port;
        _server = server;
        _silent = silent;
        _drain = drain;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:{port}</c>, as <c>IrcStream:Dnsbl:Servers</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The TTL of a "no such name" answer.</summary>
    public int NegativeTtl { get; init; } = 300;

    /// <summary>Every name asked for, in order (a silent server counts what it read).</summary>
    public IReadOnlyList<string> Queries => [.. _queries];

    /// <summary>Answers <paramref name="name"/> with <paramref name="address"/> for <paramref name="ttl"/> seconds.</summary>
    public void Add(string name, string address, int ttl = 600) => _records[name.TrimEnd('.')] = (IPAddress.Parse(address), ttl);

    public static LoopbackDnsServer Start()
    {
        var port = FreeUdpPort();
        var server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, port)));
        var dns = new LoopbackDnsServer(port, server, null, null);
        server.QueryReceived += (_, e) =>
        {
            if (e.Query is DnsMessage query) e.Response = dns.Answer(query);
            return Task.CompletedTask;
        };
        server.Start();
        return dns;
    }

    /// <summary>A "DNS server" that reads every query and never answers.</summary>
    public static LoopbackDnsServer StartSilent()
    {
        var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        LoopbackDnsServer? dns = null;
        var drain = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await socket.ReceiveAsync();
                    dns?._queries.Enqueue("?");
                }
                catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
                {
                    return;
                }
            }
        });
        dns = new LoopbackDnsServer(port, null, socket, drain);
        return dns;
    }

    private DnsMessage Answer(DnsMessage query)
    {
        var response = query.CreateResponseInstance();
        var question = query.Questions.FirstOrDefault();
        if (question is null) return response;
        var name = question.Name.ToString().TrimEnd('.');
        _queries.Enqueue(name);
        if (question.RecordType == RecordType.A && _records.TryGetValue(name, out var record))
        {
            response.ReturnCode = ReturnCode.NoError;
            response.AnswerRecords.Add(new ARecord(question.Name, record.Ttl, record.Address));
            return response;
        }
        response.ReturnCode = ReturnCode.NxDomain;
        response.AuthorityRecords.Add(new SoaRecord(DomainName.Parse("test"), NegativeTtl, DomainName.Parse("ns.test"), DomainName.Parse("hostmaster.test"),
            1, 3600, 600, 86400, NegativeTtl));
        return response;
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _server?.Stop();
        _silent?.Dispose();
        if (_drain is not null) await _drain;
    }
}

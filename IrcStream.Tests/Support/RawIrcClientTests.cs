using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IrcStream.Tests.Support;

/// <summary>The client's own behaviour, against a scripted loopback peer written inline.</summary>
public sealed class RawIrcClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RegistersAndAnswersPingWithItsToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        var connecting = RawIrcClient.ConnectAsync("127.0.0.1", peer.Port, "tester", ct);
        await peer.AcceptAsync(ct);

        (await peer.ReadLineAsync(ct)).Should().Be("NICK tester");
        (await peer.ReadLineAsync(ct)).Should().StartWith("USER ");
        await peer.WriteAsync(":srv 001 tester :Welcome\r\n", ct);
        await using var client = await connecting;
        await peer.WriteAsync("PING :token-42\r\n", ct);

        (await peer.ReadLineAsync(ct)).Should().Be("PONG :token-42");
        client.Nick.Should().Be("tester");
    }

    [Fact]
    public async Task EachMessageSatisfiesOnlyOneWaitAndEarlierArrivalsAreFound()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        await using var client = await peer.ConnectRegisteredAsync(ct);

        await peer.WriteAsync(":a!u@h PRIVMSG tester :one\r\n:a!u@h PRIVMSG tester :two\r\n:a!u@h NOTICE tester :three\r\n", ct);

        var notice = await client.WaitForAsync(m => m.Command == "NOTICE", Timeout, ct);
        var first = await client.WaitForAsync(m => m.Command == "PRIVMSG", Timeout, ct);
        var second = await client.WaitForAsync(m => m.Command == "PRIVMSG", Timeout, ct);
        notice.Params[1].Should().Be("three");
        first.Params[1].Should().Be("one");
        second.Params[1].Should().Be("two");
        client.Received.Select(m => m.Command).Should().ContainInOrder("001", "PRIVMSG", "PRIVMSG", "NOTICE");
    }

    [Fact]
    public async Task WaitForTimesOutWithTheLastLinesReceived()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        await using var client = await peer.ConnectRegisteredAsync(ct);
        await peer.WriteAsync(":srv NOTICE tester :something else\r\n", ct);
        await client.WaitForAsync(m => m.Command == "NOTICE", Timeout, ct);

        var wait = () => client.WaitForAsync(m => m.Command == "KICK", TimeSpan.FromMilliseconds(200), ct);

        (await wait.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain(":srv NOTICE tester :something else");
    }

    [Fact]
    public async Task WaitForFailsAtOnceWhenTheServerClosesTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        await using var client = await peer.ConnectRegisteredAsync(ct);

        var wait = client.WaitForAsync(m => m.Command == "KICK", TimeSpan.FromSeconds(30), ct);
        await peer.WriteAsync("ERROR :Closing link\r\n", ct);
        peer.CloseConnection();

        await FluentActions.Awaiting(() => wait).Should().ThrowAsync<IOException>().WithMessage("*closed*ERROR :Closing link*");
        await client.Closed.WaitAsync(Timeout, ct);
    }

    [Fact]
    public async Task NegotiatesRequestedCapsBeforeRegistering()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        var connecting = RawIrcClient.ConnectAsync("127.0.0.1", peer.Port, "tester", ["server-time", "sasl"], ct);
        await peer.AcceptAsync(ct);

        (await peer.ReadLineAsync(ct)).Should().Be("CAP LS 302");
        (await peer.ReadLineAsync(ct)).Should().Be("NICK tester");
        (await peer.ReadLineAsync(ct)).Should().StartWith("USER ");
        await peer.WriteAsync(":srv CAP * LS * :server-time sasl=PLAIN,EXTERNAL\r\n:srv CAP * LS :batch\r\n", ct);
        (await peer.ReadLineAsync(ct)).Should().Be("CAP REQ :server-time sasl");
        await peer.WriteAsync(":srv CAP * ACK :server-time sasl\r\n", ct);
        (await peer.ReadLineAsync(ct)).Should().Be("CAP END");
        await peer.WriteAsync(":srv 001 tester :Welcome\r\n", ct);
        await using var client = await connecting;

        client.AvailableCapabilities.Should().Contain("sasl", "PLAIN,EXTERNAL").And.ContainKeys("server-time", "batch");
        client.EnabledCapabilities.Should().BeEquivalentTo("server-time", "sasl");
    }

    [Fact]
    public async Task RefusedNickFailsTheConnect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        var connecting = RawIrcClient.ConnectAsync("127.0.0.1", peer.Port, "taken", ct);
        await peer.AcceptAsync(ct);
        await peer.ReadLineAsync(ct);
        await peer.ReadLineAsync(ct);

        await peer.WriteAsync(":srv 433 * taken :Nickname is already in use\r\n", ct);

        await FluentActions.Awaiting(() => connecting).Should().ThrowAsync<InvalidOperationException>().WithMessage("*433*");
    }

    [Fact]
    public async Task SendRefusesLineBreaksInsideALine()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await ScriptedPeer.StartAsync(ct);
        await using var client = await peer.ConnectRegisteredAsync(ct);

        var send = () => client.SendAsync("PRIVMSG #a :x\r\nQUIT", ct);

        await send.Should().ThrowAsync<ArgumentException>();
    }

    /// <summary>A loopback listener that accepts one client and lets the test script both directions.</summary>
    private sealed class ScriptedPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private TcpClient? _accepted;
        private StreamReader? _reader;

        private ScriptedPeer(TcpListener listener) => _listener = listener;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<ScriptedPeer> StartAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new ScriptedPeer(listener));
        }

        public async Task AcceptAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            _accepted = await _listener.AcceptTcpClientAsync(timeout.Token);
            _reader = new StreamReader(_accepted.GetStream(), Encoding.UTF8);
        }

        public async Task<RawIrcClient> ConnectRegisteredAsync(CancellationToken cancellationToken)
        {
            var connecting = RawIrcClient.ConnectAsync("127.0.0.1", Port, "tester", cancellationToken);
            await AcceptAsync(cancellationToken);
            await ReadLineAsync(cancellationToken);
            await ReadLineAsync(cancellationToken);
            await WriteAsync(":srv 001 tester :Welcome\r\n", cancellationToken);
            return await connecting;
        }

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            return await _reader!.ReadLineAsync(timeout.Token) ?? throw new IOException("The client closed the connection.");
        }

        public async Task WriteAsync(string text, CancellationToken cancellationToken) =>
            await _accepted!.GetStream().WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

        public void CloseConnection() => _accepted?.Client.Close();

        public ValueTask DisposeAsync()
        {
            _reader?.Dispose();
            _accepted?.Dispose();
            _listener.Stop();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace IrcStream.Tests.Support;

/// <summary>One mail an <see cref="SmtpSink"/> accepted: its recipients and its text (headers and body).</summary>
public sealed record SmtpMail(IReadOnlyList<string> Recipients, string Text);

/// <summary>
/// The smallest SMTP server that takes mail: it listens on a loopback port, accepts every message without TLS or
/// authentication, and hands each one to the test (Ergo's e-mail verification codes arrive here).
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<SmtpMail> _mail = Channel.CreateUnbounded<SmtpMail>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public SmtpSink()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The next mail that arrives (or arrived), or a <see cref="TimeoutException"/> naming what was awaited.</summary>
    public async Task<SmtpMail> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _mail.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No mail reached the SMTP sink on 127.0.0.1:{Port} within {timeout.TotalSeconds:0} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                sessions.Add(ServeAsync(client));
            }
        }
        finally
        {
            await Task.WhenAll(sessions).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink.test ESMTP").ConfigureAwait(false);
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 sink.test").ConfigureAwait(false);
                        break;
                    case "RCPT":
                        recipients.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>'));
                        await writer.WriteLineAsync("250 OK").ConfigureAwait(false);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go on").ConfigureAwait(false);
                        var text = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } data && data != ".")
                        {
                            text.AppendLine(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data);
                        }
                        await _mail.Writer.WriteAsync(new SmtpMail(recipients.ToArray(), text.ToString()), _stop.Token).ConfigureAwait(false);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK").ConfigureAwait(false);
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye").ConfigureAwait(false);
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK").ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The sender hung up or the sink is closing.
        }
    }
}

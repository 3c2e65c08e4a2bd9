using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IrcStream.Benchmarks.Protocol;

namespace IrcStream.Benchmarks.Load;

/// <summary>One measured run: how many lines arrived parsed, and how fast.</summary>
public sealed record LoadRun(int Run, long Messages, long Bytes, double Seconds)
{
    public double MessagesPerSecond => Messages / Seconds;
}

/// <summary>
/// The baseline of issue #7: <see cref="LinePump"/> on 127.0.0.1 writes tagged PRIVMSG lines to a plain TCP
/// client that frames and parses them as a connection's read loop does. It is the ceiling for everything the
/// gateway adds on top (event log, JSON, SSE), measured over a real loopback socket.
/// </summary>
public static class BaselineScenario
{
    public const string Name = "baseline";

    public const string Description = "in-process line pump on 127.0.0.1 -> plain TCP client, frame + parse";

    public static string Line => SampleLines.TaggedPrivmsg;

    public static async Task<LoadRun> RunOnceAsync(int run, int messages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var line = Encoding.UTF8.GetBytes(Line + "\r\n");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var pump = LinePump.ServeOneClientAsync(listener, line, messages, limit.Token);
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, limit.Token);
            var clock = Stopwatch.StartNew();
            var parsed = await FrameAndParse.CountMessagesAsync(PipeReader.Create(client.GetStream()), limit.Token);
            clock.Stop();
            var bytes = await pump;
            if (parsed != messages) throw new InvalidOperationException($"Run {run}: the client parsed {parsed} of the {messages} lines sent.");
            return new LoadRun(run, parsed, bytes, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Run {run} did not finish within {timeout.TotalSeconds:0} s; lower --messages or raise --timeout.");
        }
        finally
        {
            listener.Stop();
        }
    }
}

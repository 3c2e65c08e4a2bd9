using System.Net;
using System.Net.Sockets;
using System.Text;
using IrcStream.Benchmarks.Load;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Benchmarks;

public sealed class GatewayLoadHarnessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(50, 3)]
    [InlineData(99, 5)]
    [InlineData(99.9, 5)]
    [InlineData(0, 1)]
    [InlineData(100, 5)]
    [InlineData(20, 1)]
    [InlineData(21, 2)]
    public void PercentileIsTheNearestRank(double percent, double expected)
    {
        Percentiles.Of([1, 2, 3, 4, 5], percent).Should().Be(expected);
    }

    [Fact]
    public void MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo()
    {
        Percentiles.Median([1, 2, 4, 8]).Should().Be(3);
        Percentiles.Median([1, 2, 4]).Should().Be(2);
        ((Action)(() => Percentiles.Of([], 50))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void LatencyRecorderKeepsUpToItsCapacitySortedAndCountsTheRest()
    {
        var recorder = new LatencyRecorder(3);
        foreach (var ms in new[] { 5.0, 1.0, 3.0, 9.0 }) recorder.Add(ms);

        recorder.Sorted().Should().Equal(1.0, 3.0, 5.0);
        recorder.Overflow.Should().Be(1);
    }

    [Fact]
    public void ScenarioOptionsParseAndRunInCanonicalOrder()
    {
        var options = LoadOptions.Parse(["--scenario", "density,baseline", "--transport", "poll", "--sessions", "5000", "--duration", "3"]);

        options.Scenarios.Should().Equal("baseline", "density");
        options.Transports.Should().Equal(Transport.Poll);
        options.Sessions.Should().Be(5000);
        options.Duration.Should().Be(3);
        LoadOptions.Parse(["--scenario", "all"]).Scenarios.Should().Equal("baseline", "firehose", "slowreader", "fanin", "density", "busy", "welcome", "shared", "inspircd", "forward", "redis-idle", "dnsbl", "admin");
        LoadOptions.Parse(["--scenario", "redis-idle", "--nodes", "2"]).Nodes.Should().Be(2);
        FluentActions.Invoking(() => LoadOptions.Parse(["--nodes", "9"])).Should().Throw<ArgumentException>().WithMessage("--nodes must be*");
        var burst = LoadOptions.Parse(["--scenario", "busy,slowreader", "--busy-traffic", "join", "--burst", "5000", "--burst-rate", "8000"]);
        burst.Scenarios.Should().Equal("slowreader", "busy");
        (burst.BusyTraffic, burst.BurstMessages, burst.BurstRate).Should().Be(("join", 5000, 8000));
        LoadOptions.Default.Transports.Should().Equal(Transport.Sse, Transport.Poll);
        LoadOptions.Default.Redis.Should().BeFalse();
        LoadOptions.Parse(["--redis", "--scenario", "firehose"]).Should().Match<LoadOptions>(o => o.Redis && o.Scenarios.Count == 1);
        var shared = LoadOptions.Parse(["--scenario", "shared,welcome", "--shared-traffic", "50", "--gc", "workstation", "--gcdump", "dumps"]);
        (shared.SharedTraffic, shared.Gc, shared.HeapDumps).Should().Be((50, "workstation", "dumps"));
        shared.Scenarios.Should().Equal("welcome", "shared");
        LoadOptions.Default.Gc.Should().Be("server");
    }

    [Fact]
    public void WelcomeBurstIsWhatARealNetworkSends()
    {
        var lines = WelcomeScenario.Lines("load7");

        lines.Count(l => l.Contains(" 372 load7 ", StringComparison.Ordinal)).Should().Be(WelcomeScenario.MotdLines);
        lines.Count(l => l.Contains(" 005 load7 ", StringComparison.Ordinal)).Should().Be(3);
        var names = lines.Where(l => l.Contains(" 353 load7 ", StringComparison.Ordinal)).SelectMany(l => l[(l.IndexOf(" :", StringComparison.Ordinal) + 2)..].Split(' ')).ToArray();
        names.Should().HaveCount(WelcomeScenario.ChannelMembers + 1).And.OnlyHaveUniqueItems().And.Contain("load7");
        lines.Where(l => l.Length > 510 || !IrcMessage.TryParse(l, out _)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("--scenario", "fastest")]
    [InlineData("--scenario", ",")]
    [InlineData("--transport", "websocket")]
    [InlineData("--sessions", "100001")]
    [InlineData("--duration", "0")]
    [InlineData("--busy-traffic", "chatter")]
    [InlineData("--burst-rate", "1")]
    [InlineData("--gc", "fastest")]
    [InlineData("--shared-traffic", "-1")]
    public void ScenarioOptionsOutOfRangeAreRefused(string option, string value)
    {
        ((Action)(() => LoadOptions.Parse([option, value]))).Should().Throw<ArgumentException>().WithMessage($"{option} *");
    }

    [Fact]
    public void ReportGivesTheSpreadOfEachFigureAndTheRateAgainstTheBaseline()
    {
        var runs = new[] { 100.0, 300.0, 200.0 }
            .Select((rate, i) => new ScenarioRun(i + 1, new Dictionary<string, double> { [ScenarioReport.Rate] = rate, ["p99 ms"] = i }))
            .ToArray();

        var report = ScenarioReport.From("firehose-sse", "test", new Dictionary<string, string>(), runs, baselineRate: 1000);

        var rate = report.Spread.Single(s => s.Metric == ScenarioReport.Rate);
        (rate.Min, rate.Median, rate.Max, rate.MedianToBaseline).Should().Be((100.0, 200.0, 300.0, 0.2));
        report.Spread.Single(s => s.Metric == "p99 ms").MedianToBaseline.Should().BeNull();
        report.ToTable().Should().Contain("| messages/s | 100.0 | 200.0 | 300.0 | 20.0% |");
    }

    [Fact]
    public void GatewayStatsSurviveTheTripThroughTheChildProcessLine()
    {
        var stats = new GatewayStats(1.25, 1_000_000, 2_000_000, 3_000_000_000, 42, 7, 3, 1, 12.5);

        GatewayStats.Parse(stats.ToLine()).Should().Be(stats);
    }

    [Fact]
    public async Task SseReaderSplitsEventsAcrossReadsAndFindsIdTypeTimestampAndGap()
    {
        var text =
            "event: status\ndata: {\"seq\":1,\"type\":\"status\",\"status\":\"REGISTERED\"}\nid: 1\nretry: 1000\n\n" +
            ": keepalive\n\n" +
            "event: message\ndata: {\"seq\":2,\"params\":[\"#load\",\"sent 12345\"]}\nid: 2\n\n" +
            "event: gap\ndata: {\"seq\":9,\"type\":\"gap\",\"from\":3,\"to\":9}\nid: 9\n\n" +
            "event: keepalive\ndata: {}\n\n";
        var received = new List<ReceivedEvent>();

        var stopped = await new SseEventReader().ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), 7), e => { received.Add(e); return true; }, Token);

        stopped.Should().BeFalse("the stream ended");
        received.Should().Equal(
            new ReceivedEvent(1, EventKind.Registered, 0, 0, 0),
            new ReceivedEvent(2, EventKind.Message, 12345, 0, 0),
            new ReceivedEvent(9, EventKind.Gap, 0, 3, 9),
            new ReceivedEvent(9, EventKind.KeepAlive, 0, 0, 0));
    }

    [Fact]
    public void PollBatchReadsEachEventAndMovesSincePastTheLast()
    {
        var json = """
            [{"seq":4,"type":"status","time":"t","status":"REGISTERED","detail":"load1"},
             {"seq":5,"type":"message","time":"t","tags":{},"source":"bob","command":"PRIVMSG","params":["#load","sent 777"]},
             {"seq":9,"type":"gap","time":"t","from":6,"to":9}]
            """u8;
        var received = new List<ReceivedEvent>();
        long since = 3;

        PollBatch.Read(json, e => { received.Add(e); return true; }, ref since).Should().BeTrue();

        since.Should().Be(9);
        received.Should().Equal(
            new ReceivedEvent(4, EventKind.Registered, 0, 0, 0),
            new ReceivedEvent(5, EventKind.Message, 777, 0, 0),
            new ReceivedEvent(9, EventKind.Gap, 0, 6, 9));
    }

    [Fact]
    public void TimedLineCarriesTheTimestampTheReadersLookFor()
    {
        var line = Encoding.ASCII.GetString(FanInScenario.TimedLine(987654321));

        line.Should().EndWith("\r\n");
        var message = IrcMessage.Parse(line.TrimEnd());
        message.Command.Should().Be("PRIVMSG");
        EventData.SentTimestamp(Encoding.UTF8.GetBytes($"{{\"params\":[\"#load\",\"{message.Params[^1]}\"]}}")).Should().Be(987654321);
    }

    [Theory]
    [InlineData("NICK alice", null)]
    [InlineData("PING :tok", ":pump.load PONG pump.load :tok\r\n")]
    [InlineData("CAP LS 302", null)]
    public void PumpAnswersBeforeRegistration(string line, string? expected)
    {
        string? nick = null;
        var user = false;

        IrcPumpServer.Answer(IrcMessage.Parse(line), ref nick, ref user, out var welcomed).Should().Be(expected);
        welcomed.Should().BeFalse();
    }

    [Fact]
    public async Task PumpWelcomesAClientAfterNickAndUserThenPumpsLinesToIt()
    {
        await using var pump = IrcPumpServer.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, pump.Port, Token);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await stream.WriteAsync("CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :Alice\r\n"u8.ToArray(), Token);

        (await reader.ReadLineAsync(Token)).Should().Be(":pump.load 001 alice :Welcome to the load pump alice");
        var welcomed = await pump.WaitForClientAsync("alice", Token).WaitAsync(TimeSpan.FromSeconds(10), Token);
        await stream.WriteAsync("PING :x\r\n"u8.ToArray(), Token);
        (await reader.ReadLineAsync(Token)).Should().Be(":pump.load PONG pump.load :x");

        var written = await welcomed.PumpAsync(Encoding.ASCII.GetBytes("PING :p\r\n"), 1000, Token);

        written.Should().Be(9000);
        for (var i = 0; i < 1000; i++) (await reader.ReadLineAsync(Token)).Should().Be("PING :p");
        await stream.WriteAsync("QUIT :bye\r\n"u8.ToArray(), Token);
        (await reader.ReadLineAsync(Token)).Should().StartWith("ERROR ");
        (await reader.ReadLineAsync(Token)).Should().BeNull("the pump closes after QUIT, as a server does");
    }

    [Fact]
    public async Task GatewayScenariosRunEndToEndAgainstTheRealGatewayInItsOwnProcess()
    {
        var directory = Directory.CreateTempSubdirectory("ircstream-load-").FullName;
        try
        {
            var output = new StringWriter();

            var exit = await LoadCommand.RunAsync(
                ["--scenario", "firehose,fanin", "--runs", "1", "--warmup", "0", "--firehose-messages", "2000",
                 "--sessions", "5", "--duration", "1", "--json", Path.Combine(directory, "baseline.json")],
                output, Token);

            exit.Should().Be(0, output.ToString());
            foreach (var name in new[] { "firehose-sse", "firehose-poll", "fanin-sse", "fanin-poll" })
            {
                using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, name + ".json"), Token));
                report.RootElement.GetProperty("runs").GetArrayLength().Should().Be(1, name);
            }
            output.ToString().Should().Contain("| fanin-sse | min | median | max |").And.Contain("| lost | 0 | 0 | 0 |")
                .And.Contain("| dropped | 0 | 0 | 0 |");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task InRedisModeTheScenariosReadOnTheNodeThatDoesNotOwnTheConnection()
    {
        var directory = Directory.CreateTempSubdirectory("ircstream-load-redis-").FullName;
        try
        {
            var output = new StringWriter();

            var exit = await LoadCommand.RunAsync(
                ["--scenario", "firehose,fanin", "--transport", "sse", "--redis", "--runs", "1", "--warmup", "0", "--firehose-messages", "2000",
                 "--sessions", "5", "--duration", "1", "--json", Path.Combine(directory, "baseline.json")],
                output, Token);

            exit.Should().Be(0, output.ToString());
            foreach (var name in new[] { "firehose-sse-redis", "fanin-sse-redis" })
            {
                using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, name + ".json"), Token));
                report.RootElement.GetProperty("runs").GetArrayLength().Should().Be(1, name);
            }
            output.ToString().Should().Contain("| fanin-sse-redis | min | median | max |").And.Contain("| lost | 0 | 0 | 0 |")
                .And.Contain("| dropped | 0 | 0 | 0 |");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A stream that hands out at most a few bytes per read, as a socket may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(chunk, count), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Net;
using System.Net.Sockets;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Connections;

/// <summary>Connecting, losing the server, coming back, and closing, against the scripted fake server.</summary>
public sealed class IrcConnectionLifecycleTests
{
    private static readonly TimeSpan Timeout = TestConnections.Timeout;

    [Fact]
    public async Task AConnectionIsConnectingAsSoonAsItIsStarted()
    {
        // The TCP connect cannot finish, so no later state can overtake the read.
        using var stuck = await FullBacklogListener.OpenAsync(TestContext.Current.CancellationToken);
        await using var connection = TestConnections.Create("127.0.0.1", stuck.Port, "early");
        connection.State.Should().Be(ConnectionState.Disconnected, "a connection not yet started is down");

        connection.Start();

        connection.State.Should().Be(ConnectionState.Connecting, "the create route answers with the state right after Start");
    }

    [Fact]
    public async Task AServerThatNeverCompletesTheConnectIsAConnectTimeoutAndIsRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        // The fake server accepts TCP but never answers the TLS hello: the connect (TCP and TLS) cannot finish.
        await using var server = FakeIrcServer.Start();
        var settings = TestConnections.Settings with { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        await using var connection = TestConnections.Start(server, "slow", settings, o => o with { Tls = true });

        var timeout = await connection.Events.WaitForStatusAsync(IrcStatus.ConnectTimeout, Timeout, ct);
        timeout.Detail.Should().Contain($"127.0.0.1:{server.Port}").And.Contain("0.5 s");
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: timeout.Seq);
        await connection.Events.WaitForStatusAsync(IrcStatus.Connecting, Timeout, ct, after: timeout.Seq);
        await server.AcceptAsync(Timeout, ct);
        await server.AcceptAsync(Timeout, ct);
        connection.Events.Statuses().Take(4).Should().Equal(IrcStatus.Connecting, IrcStatus.ConnectTimeout, IrcStatus.Reconnecting, IrcStatus.Connecting);
    }

    [Fact]
    public async Task AListenerWhoseBacklogIsFullIsAConnectTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var stuck = await FullBacklogListener.OpenAsync(ct);
        var port = stuck.Port;
        var settings = TestConnections.Settings with { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        await using var connection = TestConnections.Create("127.0.0.1", port, "stuck", settings);

        connection.Start();

        var timeout = await connection.Events.WaitForStatusAsync(IrcStatus.ConnectTimeout, Timeout, ct);
        timeout.Detail.Should().Be($"No connection to 127.0.0.1:{port} within 0.5 s.");
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: timeout.Seq);
    }

    [Fact]
    public async Task AServerThatStopsAnsweringPingIsDisconnectedAndReconnected()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var (idle, timeout) = (TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(60));
        var settings = TestConnections.Settings with { PingIdle = idle, PingTimeout = timeout, Time = time, QuitWait = TimeSpan.Zero };
        await using var fake = await FakeServerConnection.StartAsync("idle", ct, settings, welcome: true);
        var (connection, silent) = fake;

        var ping = silent.WaitForAsync("PING", Timeout, ct);
        var moved = await time.AdvanceUntilAsync(ping, TimeSpan.FromSeconds(10));
        moved.Should().BeGreaterThanOrEqualTo(idle, "a PING only after the server was silent that long");
        var disconnected = connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);
        moved += await time.AdvanceUntilAsync(disconnected, TimeSpan.FromSeconds(10));
        moved.Should().BeGreaterThanOrEqualTo(idle + timeout, "the loss only after the PING went unanswered for PingTimeout");
        var lost = await disconnected;
        lost.Detail.Should().Contain("did not answer PING");
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: lost.Seq);
        time.Advance(settings.ReconnectDelay);
        var second = await fake.Server.AcceptAsync(Timeout, ct);
        await second.WelcomeAsync(Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct, after: lost.Seq);
    }

    [Fact]
    public async Task AServerThatAnswersPingStaysConnected()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var idle = TimeSpan.FromSeconds(90);
        var settings = TestConnections.Settings with { PingIdle = idle, PingTimeout = TimeSpan.FromSeconds(60), Time = time, QuitWait = TimeSpan.Zero };
        await using var fake = await FakeServerConnection.StartAsync("alive", ct, settings, welcome: true);
        var (connection, peer) = fake;

        for (var i = 0; i < 3; i++)
        {
            var ping = peer.WaitForAsync("PING", Timeout, ct);
            // One idle period since the last line from the server, in one move: the clock then stands still while
            // the PING travels, so a slow machine cannot run it into PingTimeout. The answer comes a second after
            // the PING; the next move ends that PING's timeout, which the answer must have satisfied.
            await time.AdvanceThenAwaitAsync(idle, ping, TimeSpan.FromSeconds(1));
            time.Advance(TimeSpan.FromSeconds(1));
            await peer.SendLinesAsync(ct, $":fake.server PONG fake.server :{(await ping).Params[^1]}");
            await peer.SyncAsync(Timeout, ct);
        }

        connection.Events.Statuses().Should().NotContain(IrcStatus.Disconnected);
        connection.State.Should().Be(ConnectionState.Connected);
    }

    [Fact]
    public async Task AfterTheServerClosesItReconnectsRegistersAndRejoinsItsChannels()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "rejoin", configure: o => o with { Channels = ["#one"] });
        var first = await server.AcceptAsync(Timeout, ct);
        await first.WelcomeAsync(Timeout, ct);
        await first.WaitForAsync("JOIN", Timeout, ct, "#one");
        await first.SendLinesAsync(ct, ":rejoin!u@h JOIN #one");
        connection.Send(["JOIN #two", "JOIN #three"]).Outcome.Should().Be(SendOutcome.Queued);
        await first.WaitForAsync("JOIN", Timeout, ct, "#three");
        await first.SendLinesAsync(ct, ":rejoin!u@h JOIN #two", ":rejoin!u@h JOIN :#three", ":op!o@h KICK #three rejoin :out", ":rejoin!u@h JOIN #four", ":rejoin!u@h PART #four :bye");
        await connection.Events.WaitForMessageAsync(m => m.Command == "PART", "the PART", Timeout, ct);
        connection.Channels.Should().Equal("#one", "#two");

        await first.DisposeAsync();

        var lost = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);
        lost.Detail.Should().Contain("closed the connection");
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: lost.Seq);
        connection.Channels.Should().Equal(["#one", "#two"], "the channels stay known while reconnecting");
        var second = await server.AcceptAsync(Timeout, ct);
        await second.WelcomeAsync(Timeout, ct);
        var rejoin = await second.WaitForAsync("JOIN", Timeout, ct);
        rejoin.Params.Should().Equal("#one,#two");
        connection.Events.Statuses().Should().Equal(
            IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered,
            IrcStatus.Disconnected, IrcStatus.Reconnecting,
            IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered);
    }

    [Fact]
    public async Task AfterAReconnectKeyedChannelsAreRejoinedWithTheirKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "keys");
        var first = await server.AcceptAsync(Timeout, ct);
        await first.WelcomeAsync(Timeout, ct);
        connection.Send(["JOIN #locked,#changed,#open sesame,old"]).Outcome.Should().Be(SendOutcome.Queued);
        await first.WaitForAsync("JOIN", Timeout, ct);
        await first.SendLinesAsync(ct, ":keys!u@h JOIN #locked", ":keys!u@h JOIN #changed", ":keys!u@h JOIN #open",
            ":op!o@h MODE #changed +k new", ":op!o@h MODE #open +k later", ":op!o@h MODE #open -k later");
        await first.SyncAsync(Timeout, ct);

        await first.DisposeAsync();

        var second = await server.AcceptAsync(Timeout, ct);
        await second.WelcomeAsync(Timeout, ct);
        (await second.WaitForAsync("JOIN", Timeout, ct, "#locked")).Params.Should().Equal("#locked", "sesame");
        (await second.WaitForAsync("JOIN", Timeout, ct, "#changed")).Params.Should().Equal("#changed", "new");
        (await second.WaitForAsync("JOIN", Timeout, ct, "#open")).Params.Should().Equal("#open");
    }

    [Fact]
    public async Task AnAddressThatIsNotAllowedIsAnErrorAndIsNotRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        await using var connection = TestConnections.Start(server, "denied", configure: o => o with { IsAddressAllowed = _ => false });

        var gaveUp = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);

        connection.Events.Statuses().Should().Equal(IrcStatus.Connecting, IrcStatus.Error, IrcStatus.Disconnected);
        connection.Events.ReadDecodedAfter(0).OfType<StatusEvent>().Single(s => s.Status == IrcStatus.Error).Detail
            .Should().Contain("127.0.0.1").And.Contain("may not connect");
        gaveUp.Detail.Should().StartWith("Not reconnecting");
        connection.State.Should().Be(ConnectionState.Disconnected);
        server.AcceptedCount.Should().Be(0);
    }

    [Fact]
    public async Task AnUntrustedCertificateIsAnErrorThatSaysWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = TestCertificates.SelfSigned("fake.server");
        await using var server = FakeIrcServer.Start(certificate);
        await using var connection = TestConnections.Start(server, "tlsno", configure: o => o with { Tls = true });

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);

        error.Detail.Should().Contain("certificate").And.Contain("not valid").And.Contain($"127.0.0.1:{server.Port}").And.NotContain("operator", "there is no setting an operator could change");
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: error.Seq);
        connection.Events.Statuses().Should().NotContain(IrcStatus.Connected);
    }

    [Fact]
    public async Task AcceptInvalidCertificateConnectsOverTlsAndRegisters()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = TestCertificates.SelfSigned("fake.server");
        await using var server = FakeIrcServer.Start(certificate);
        await using var connection = TestConnections.Start(server, "tlsyes", configure: o => o with { Tls = true, AcceptInvalidCertificate = true });
        var peer = await server.AcceptAsync(Timeout, ct);

        await peer.WelcomeAsync(Timeout, ct);

        var connected = await connection.Events.WaitForStatusAsync(IrcStatus.Connected, Timeout, ct);
        connected.Detail.Should().Contain("TLS");
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
    }

    [Fact]
    public async Task AHostNameIsResolvedEveryAddressIsCheckedAndTlsAsksForTheNameBySni()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = TestCertificates.SelfSigned("localhost");
        await using var server = FakeIrcServer.Start(certificate);
        var checkedAddresses = new List<IPAddress>();
        await using var connection = TestConnections.Start(server, "sni", configure: o => o with
        {
            Host = "localhost",
            Tls = true,
            AcceptInvalidCertificate = true,
            IsAddressAllowed = address =>
            {
                lock (checkedAddresses) checkedAddresses.Add(address);
                return address.AddressFamily == AddressFamily.InterNetwork;
            },
        });

        await server.AcceptAsync(Timeout, ct);

        await connection.Events.WaitForStatusAsync(IrcStatus.Connected, Timeout, ct);
        server.ServerNames.Should().Equal("localhost");
        lock (checkedAddresses) checkedAddresses.Should().Contain(IPAddress.Loopback);
    }

    [Fact]
    public async Task ACertificateForAnotherNameIsAnErrorThatSaysSo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = TestCertificates.SelfSigned("elsewhere.example");
        await using var server = FakeIrcServer.Start(certificate);
        await using var connection = TestConnections.Start(server, "wrongname", configure: o => o with { Host = "localhost", Tls = true });

        var error = await connection.Events.WaitForStatusAsync(IrcStatus.Error, Timeout, ct);

        error.Detail.Should().Contain("issued for another name").And.Contain("not signed by a trusted authority");
    }

    [Fact]
    public async Task CloseSendsQuitEmitsClosedLastCompletesTheLogAndWakesWaitingReaders()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        // QuitWait longer than the test: the close ends when the server closes, however slowly the test answers the QUIT.
        var connection = TestConnections.Start(server, "closer", TestConnections.Settings with { QuitWait = Timeout });
        var peer = await server.AcceptAsync(Timeout, ct);
        await peer.WelcomeAsync(Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);
        var waiter = connection.Events.WaitForEventsAfterAsync(connection.Events.LastSeq + 1000, ct).AsTask();
        var quitSeen = peer.WaitForAsync("QUIT", Timeout, ct);

        var closing = connection.CloseAsync("see you later").AsTask();
        (await quitSeen).Params.Should().Equal("see you later");
        await peer.SendLinesAsync(ct, "ERROR :Closing link (see you later)");
        await peer.DisposeAsync();
        await closing.WaitAsync(Timeout, ct);

        (await waiter.WaitAsync(Timeout, ct)).Should().BeFalse("a completed log wakes its waiters with no event");
        var last = connection.Events.ReadDecodedAfter(connection.Events.LastSeq - 1).Single();
        last.Should().BeOfType<StatusEvent>().Which.Status.Should().Be(IrcStatus.Closed);
        connection.Events.IsCompleted.Should().BeTrue();
        connection.State.Should().Be(ConnectionState.Closed);
        connection.Events.Statuses().Should().NotContain(IrcStatus.Disconnected, "closing is not a loss");
        connection.Send(["PRIVMSG #x :late"]).Outcome.Should().Be(SendOutcome.NotOpen);
        await connection.DisposeAsync();
        connection.Events.Statuses().Count(s => s == IrcStatus.Closed).Should().Be(1);
    }

    [Fact]
    public async Task AfterALossTheConnectionWaitsReconnectDelayOnItsClockThenLongerAfterAFailedAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        var time = new FakeTimeProvider();
        var delay = TimeSpan.FromSeconds(30);
        var settings = TestConnections.Settings with { ReconnectDelay = delay, MaxReconnectDelay = TimeSpan.FromMinutes(10), Time = time, QuitWait = TimeSpan.Zero };
        await using var connection = TestConnections.Start(server, "patient", settings);
        var peer = await server.AcceptAsync(Timeout, ct);
        await peer.DisposeAsync();
        var lost = await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct);

        time.Advance(delay - TimeSpan.FromMilliseconds(1));
        connection.State.Should().Be(ConnectionState.Reconnecting, "the first wait is the configured delay");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var again = await server.AcceptAsync(Timeout, ct);

        // Lost again before the welcome: a failure in a row, so the next wait has grown (doubled, ±20 %).
        await again.DisposeAsync();
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct, after: lost.Seq);
        time.Advance(delay * 1.6 - TimeSpan.FromMilliseconds(1));
        connection.State.Should().Be(ConnectionState.Reconnecting, "the second wait is at least 1.6 times the delay");
        time.Advance(delay);
        await server.AcceptAsync(Timeout, ct);
    }

    [Fact]
    public async Task CloseWhileWaitingToReconnectReturnsAtOnceAndClosesTheSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        // The connection's clock stands still: the delay cannot end, so only the close can end the wait.
        var settings = TestConnections.Settings with { ReconnectDelay = TimeSpan.FromMinutes(10), Time = new FakeTimeProvider() };
        var connection = TestConnections.Start(server, "waiting", settings);
        var peer = await server.AcceptAsync(Timeout, ct);
        await peer.DisposeAsync();
        await connection.Events.WaitForStatusAsync(IrcStatus.Reconnecting, Timeout, ct);
        connection.State.Should().Be(ConnectionState.Reconnecting);

        await connection.CloseAsync("bye").AsTask().WaitAsync(Timeout, ct);

        connection.Events.Statuses()[^1].Should().Be(IrcStatus.Closed);
        connection.State.Should().Be(ConnectionState.Closed);
    }

    [Fact]
    public async Task CloseWhenTheServerIgnoresQuitClosesAfterQuitWait()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = FakeIrcServer.Start();
        var connection = TestConnections.Start(server, "ignored");
        var peer = await server.AcceptAsync(Timeout, ct);
        await peer.WelcomeAsync(Timeout, ct);
        await connection.Events.WaitForStatusAsync(IrcStatus.Registered, Timeout, ct);

        await connection.DisposeAsync().AsTask().WaitAsync(Timeout, ct);

        await peer.Closed.WaitAsync(Timeout, ct);
        peer.ReceivedLines.Should().Contain(l => l.StartsWith("QUIT", StringComparison.Ordinal));
        connection.Events.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task AQuitTheUserSendsEndsTheConnectionWithoutReconnecting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeServerConnection.StartAsync("leaver", ct, welcome: true);
        var (connection, peer) = fake;

        connection.Send(["QUIT :done for today"]).Outcome.Should().Be(SendOutcome.Queued);
        await peer.WaitForAsync("QUIT", Timeout, ct);
        await peer.DisposeAsync();

        var gaveUp = await connection.Events.WaitForStatusAsync(IrcStatus.Disconnected, Timeout, ct);
        gaveUp.Detail.Should().Be("Not reconnecting: The user sent QUIT.");
        connection.State.Should().Be(ConnectionState.Disconnected);
        connection.Events.Statuses().Should().Equal(IrcStatus.Connecting, IrcStatus.Connected, IrcStatus.Registered, IrcStatus.Disconnected);
    }

    public static TheoryData<string, IrcEngineSettings> UnusableSettings => new()
    {
        { "FloodBurst", TestConnections.Settings with { FloodBurst = 0 } },
        { "SendQueueCapacity", TestConnections.Settings with { SendQueueCapacity = 0 } },
        { "EventBufferSize", TestConnections.Settings with { EventBufferSize = 0 } },
        { "ConnectTimeout", TestConnections.Settings with { ConnectTimeout = TimeSpan.Zero } },
        { "PingIdle", TestConnections.Settings with { PingIdle = TimeSpan.Zero } },
        { "ReconnectDelay", TestConnections.Settings with { ReconnectDelay = TimeSpan.FromSeconds(-1) } },
    };

    [Theory]
    [MemberData(nameof(UnusableSettings))]
    public void SettingsNoConnectionCouldWorkWithAreRefusedWhenItIsCreated(string name, IrcEngineSettings settings)
    {
        var create = () => TestConnections.Create("127.0.0.1", 6667, "x", settings);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public async Task SendBeforeTheSocketIsOpenIsNotOpen()
    {
        await using var connection = TestConnections.Create("127.0.0.1", FreePort.Next(), "early");

        var result = connection.Send(["PRIVMSG #c :too early"]);

        result.Outcome.Should().Be(SendOutcome.NotOpen);
        result.Reason.Should().Contain("not open");
    }
}

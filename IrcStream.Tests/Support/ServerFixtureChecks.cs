using System.Diagnostics;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Support;

/// <summary>What every real-server fixture must do, checked the same way for each server.</summary>
internal static class ServerFixtureChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Restarting kills the old process, drops its clients and serves new ones on the same port; disposing kills the
    /// process and deletes its folder. Takes ownership of <paramref name="server"/>.
    /// </summary>
    public static async Task RestartKeepsThePortAndDisposeCleansUpAsync(ITestIrcServer server, CancellationToken cancellationToken)
    {
        var (port, oldPid, directory) = (server.Port, server.ProcessId!.Value, server.Directory);
        try
        {
            await using var before = await RawIrcClient.ConnectAsync(server.Host, server.Port, "before", cancellationToken);

            await server.RestartAsync(cancellationToken);

            await before.Closed.WaitAsync(Timeout, cancellationToken);
            server.Port.Should().Be(port);
            server.ProcessId.Should().NotBe(oldPid);
            IsRunning(oldPid).Should().BeFalse();
            await using var after = await RawIrcClient.ConnectAsync(server.Host, server.Port, "after", cancellationToken);
            after.Nick.Should().Be("after");
        }
        finally
        {
            var pid = server.ProcessId;
            await server.DisposeAsync();
            if (pid is { } running) IsRunning(running).Should().BeFalse();
            Directory.Exists(directory).Should().BeFalse();
        }
    }

    /// <summary>
    /// A WEBIRC line with the right password makes another client's WHOIS show the claimed host (or its address, on a
    /// server that may not take the hostname); a wrong password is refused before registration.
    /// </summary>
    public static async Task WebircIsBelievedAndAWrongPasswordRefusedAsync(ITestIrcServer server, string webircPassword, CancellationToken cancellationToken)
    {
        await using var viaGateway = await RawIrcClient.ConnectAsync(server.Host, server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("web"),
            LinesBeforeRegistration = [$"WEBIRC {webircPassword} ircstream somehost.example 192.0.2.10"],
        }, cancellationToken);
        await using var observer = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("obs"), cancellationToken);
        await observer.SendAsync($"WHOIS {viaGateway.Nick}", cancellationToken);
        var user = await observer.WaitForAsync(m => m.Command == "311" && m.Params[1] == viaGateway.Nick, Timeout, cancellationToken);
        user.Params[3].Should().BeOneOf("somehost.example", "192.0.2.10");

        var wrong = () => RawIrcClient.ConnectAsync(server.Host, server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("bad"),
            LinesBeforeRegistration = ["WEBIRC not-the-password ircstream somehost.example 192.0.2.10"],
        }, cancellationToken);
        await wrong.Should().ThrowAsync<InvalidOperationException>();
    }

    /// <summary>The fixture's operator block works: OPER succeeds and KILL closes another client.</summary>
    public static async Task OperatorMayKillAClientAsync(ITestIrcServer server, string operName, string operPassword, CancellationToken cancellationToken)
    {
        await using var oper = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("oper"), cancellationToken);
        await using var victim = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("victim"), cancellationToken);

        await oper.SendAsync($"OPER {operName} {operPassword}", cancellationToken);
        await oper.WaitForAsync(m => m.Command == "381", Timeout, cancellationToken);
        await oper.SendAsync($"KILL {victim.Nick} :test", cancellationToken);

        await victim.Closed.WaitAsync(Timeout, cancellationToken);
    }

    /// <summary>Two clients in a new channel, each having seen the other join.</summary>
    public static async Task<ChannelPair> JoinTwoClientsAsync(ITestIrcServer server, CancellationToken cancellationToken)
    {
        var channel = "#" + RawIrcClient.UniqueNick("chan");
        var alice = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("alice"), cancellationToken);
        var bob = await RawIrcClient.ConnectAsync(server.Host, server.Port, RawIrcClient.UniqueNick("bob"), cancellationToken);
        var pair = new ChannelPair(alice, bob, channel);
        try
        {
            await alice.SendAsync($"JOIN {channel}", cancellationToken);
            await alice.WaitForAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == alice.Nick, Timeout, cancellationToken);
            await bob.SendAsync($"JOIN {channel}", cancellationToken);
            await alice.WaitForAsync(m => m.Command == "JOIN" && IrcSource.Parse(m.Source!).Nick == bob.Nick, Timeout, cancellationToken);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Two clients of one server that both joined <see cref="Channel"/>.</summary>
internal sealed record ChannelPair(RawIrcClient Alice, RawIrcClient Bob, string Channel) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
    }
}

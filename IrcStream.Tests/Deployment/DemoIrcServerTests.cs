using System.Text.RegularExpressions;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// Runs the compose demo's own InspIRCd config (deploy/inspircd/inspircd.conf) in the InspIRCd 3 that the
/// tests install, moved to a free loopback port, and talks to it as the gateway would: WEBIRC with the
/// password from docker-compose.yml, then the IRCv3 capabilities the gateway asks for.
/// </summary>
public sealed partial class DemoIrcServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AcceptsTheGatewaysWebircAndOffersTheIrcv3CapabilitiesItUses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartDemoServerAsync(ct);
        var nick = RawIrcClient.UniqueNick("demo");

        await using var client = await RawIrcClient.ConnectAsync("127.0.0.1", server.Port, new RawIrcClientOptions
        {
            Nick = nick,
            Capabilities = ["server-time", "echo-message", "message-tags", "batch"],
            LinesBeforeRegistration = [$"WEBIRC {ComposeDemo.GatewayWebircPassword} {ComposeDemo.GatewayWebircName} browser.example 198.51.100.23"],
        }, ct);

        client.EnabledCapabilities.Should().Contain(["server-time", "echo-message", "message-tags", "batch"]);
        await client.SendAsync($"WHOIS {nick}", ct);
        var whois = await client.WaitForAsync(m => m.Command == "311" && m.Params[1] == nick, Timeout, ct);
        whois.Params[3].Should().Be("198.51.100.23", "WEBIRC makes the user appear with the browser's address");

        await client.SendAsync("JOIN #demo", ct);
        await client.WaitForAsync(m => m.Command == "JOIN" && m.Params[0] == "#demo", Timeout, ct);
        await client.SendAsync("PRIVMSG #demo :hello from the demo", ct);
        var echo = await client.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == "hello from the demo", Timeout, ct);
        echo.Tags.Should().ContainKeys(["time", "msgid"]);
    }

    [Fact]
    public async Task RefusesWebircWithAnotherPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartDemoServerAsync(ct);

        var connect = () => RawIrcClient.ConnectAsync("127.0.0.1", server.Port, new RawIrcClientOptions
        {
            Nick = RawIrcClient.UniqueNick("bad"),
            LinesBeforeRegistration = [$"WEBIRC not-{ComposeDemo.GatewayWebircPassword} {ComposeDemo.GatewayWebircName} browser.example 198.51.100.23"],
        }, ct);

        await connect.Should().ThrowAsync<InvalidOperationException>().WithMessage("*refused: ERROR*");
    }

    private static async Task<IrcServerHost> StartDemoServerAsync(CancellationToken ct) =>
        await IrcServerHost.StartAsync("inspircd-demo", (directory, port) =>
        {
            var configPath = Path.Combine(directory, "inspircd.conf");
            File.WriteAllText(configPath, OnLoopbackPort(File.ReadAllText(ComposeDemo.IrcConfigPath), port, directory));
            return new ServerLaunch(
                "InspIRCd (demo config)",
                InspircdServer.BinaryPath,
                ["--runasroot", "--nofork", $"--config={configPath}"],
                line => line.Contains("failed to bind", StringComparison.OrdinalIgnoreCase)
                        || line.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
                    ? StartupSignal.PortInUse
                    : line.Contains("InspIRCd is now running", StringComparison.Ordinal) ? StartupSignal.Ready : StartupSignal.None);
        }, ct);

    /// <summary>
    /// The demo config with its client port moved to <paramref name="port"/> on 127.0.0.1, and the pid file and
    /// resolver set the way this machine needs (in the image both have working defaults).
    /// </summary>
    private static string OnLoopbackPort(string config, int port, string directory)
    {
        var moved = ClientBind().Replace(config, $"<bind address=\"127.0.0.1\" port=\"{port}\" type=\"clients\">");
        moved.Should().NotBe(config, "the demo config binds a client port");
        return moved + $"""

            <pid file="{Path.Combine(directory, "inspircd.pid")}">
            <dns server="127.0.0.1" timeout="1">

            """;
    }

    [GeneratedRegex("""<bind address="[^"]*" port="\d+" type="clients">""")]
    private static partial Regex ClientBind();
}

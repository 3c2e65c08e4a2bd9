using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Connections;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api;

/// <summary>WEBIRC's IRCv3 options and the ident templates, as a real InspIRCd sees the user (WHOIS and an oper's CHECK).</summary>
[Collection("InspIRCd")]
public sealed class WebircIdentityTests(InspircdFixture irc)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private GatewayHost StartGateway() => GatewayHost.Start(new Dictionary<string, string?>
    {
        ["IrcStream:AllowedServers:0"] = $"127.0.0.1:{irc.Server.Port}",
        ["IrcStream:Webirc:Password"] = irc.Server.WebircPassword,
        ["IrcStream:Ident:Username"] = "{hexip}",
        ["IrcStream:Ident:Realname"] = "{realname} [{host}]",
    }, realEngine: true);

    [Fact]
    public async Task AnIpv4BrowserIsSeenWithItsHexIdentAddressTemplatedRealnameAndPorts()
    {
        await using var host = StartGateway();
        using var browser = host.NewBrowser();
        // Through a proxy on loopback that names the browser's port and the site the browser reached.
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7:40123");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Host", "chat.example:8443");
        var nick = RawIrcClient.UniqueNick("hx");
        await CreateAsync(browser, new { server = $"127.0.0.1:{irc.Server.Port}", nick, username = "alice", realname = "Alice Liddell" });

        await using var oper = await OperAsync();
        var whois = await WhoisAsync(oper, nick);
        whois.Params[2].Should().Be("c6336407", "198.51.100.7 as 8 hex digits, not the user's own 'alice'");
        whois.Params[3].Should().Be("198.51.100.7");
        whois.Params[^1].Should().Be("Alice Liddell [198.51.100.7]");

        var check = await CheckAsync(oper, nick);
        check["serveraddr"].Should().EndWith(":8443", "local-port is the port the browser reached");
        // InspIRCd 3.15 applies remote-port and then sets the WEBIRC address with the gateway socket's port over it, so
        // its CHECK shows that port; what the gateway sends is in ClientIdentityTests and the client's conversations.
        check["clientaddr"].Should().StartWith("198.51.100.7:");
    }

    [Fact]
    public async Task AnIpv6BrowserGetsTheIdentOfItsSlash64()
    {
        await using var host = StartGateway();
        using var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "[2001:db8:1:2:aaaa::7]:40124");
        var nick = RawIrcClient.UniqueNick("v6");
        await CreateAsync(browser, new { server = $"127.0.0.1:{irc.Server.Port}", nick });

        await using var oper = await OperAsync();
        var whois = await WhoisAsync(oper, nick);
        var ident = ClientIdentity.HexIp(IPAddress.Parse("2001:db8:1:2::1"));
        whois.Params[2].Should().Be(ident, "every address of the /64 has the same ident");
        ident.Should().MatchRegex("^[0-9a-f]{8}$");
        whois.Params[3].Should().Be("2001:db8:1:2:aaaa::7");
        whois.Params[^1].Should().Be($"{nick} [2001:db8:1:2:aaaa::7]", "without a real name of its own the nick stands in");
        (await CheckAsync(oper, nick))["clientaddr"].Should().StartWith("[2001:db8:1:2:aaaa::7]:");
    }

    [Fact]
    public async Task AUserWhoRegistersThemselvesGetsTheTemplatesToo()
    {
        await using var host = StartGateway();
        using var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        var id = await CreateAsync(browser, new { server = $"127.0.0.1:{irc.Server.Port}" });
        var nick = RawIrcClient.UniqueNick("self");

        // The socket opens in the background: lines are refused (409) until it has.
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var sent = await browser.PostLinesAsync(id, $"NICK {nick}", "USER myownident 0 * :My Own Name");
            if (sent.StatusCode == HttpStatusCode.Accepted) break;
            sent.StatusCode.Should().Be(HttpStatusCode.Conflict, await sent.Content.ReadAsStringAsync(Token));
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The connection did not open within {Patience}.");
            await Task.Delay(100, Token);
        }

        await using var oper = await OperAsync();
        var whois = await WhoisAsync(oper, nick);
        whois.Params[2].Should().Be("cb007109", "203.0.113.9 as 8 hex digits, not the ident the user sent");
        whois.Params[^1].Should().Be("My Own Name [203.0.113.9]");
    }

    private static async Task<string> CreateAsync(Browser browser, object request)
    {
        using var response = await browser.Http.PostAsJsonAsync("/api/connections", request, Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<RawIrcClient> OperAsync()
    {
        var oper = await RawIrcClient.ConnectAsync(irc.Server.Host, irc.Server.Port, RawIrcClient.UniqueNick("op"), Token);
        await oper.SendAsync($"OPER {InspircdServer.OperName} {irc.Server.OperPassword}", Token);
        await oper.WaitForAsync(m => m.Command == "381", Patience, Token);
        return oper;
    }

    /// <summary>WHOIS until the user is there (it registers within a second or two), returning the 311 line: nick user host * :realname.</summary>
    private static async Task<IrcMessage> WhoisAsync(RawIrcClient oper, string nick)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await oper.SendAsync($"WHOIS {nick}", Token);
            var reply = await oper.WaitForAsync(m => m.Command is "311" or "401" && m.Params[1].Equals(nick, StringComparison.OrdinalIgnoreCase), Patience, Token);
            if (reply.Command == "311") return reply;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{nick} did not register on InspIRCd within {Patience}.");
            await Task.Delay(200, Token);
        }
    }

    /// <summary>The oper's CHECK of a user: each item (clientaddr, serveraddr, ...) with its value.</summary>
    private static async Task<Dictionary<string, string>> CheckAsync(RawIrcClient oper, string nick)
    {
        var before = oper.Received.Count;
        await oper.SendAsync($"CHECK {nick}", Token);
        await oper.WaitForAsync(m => m.Params.Count >= 2 && m.Params[^2] == "END", Patience, Token);
        return oper.Received.Skip(before)
            .Where(m => m.Params.Count >= 3)
            .GroupBy(m => m.Params[^2], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Params[^1], StringComparer.Ordinal);
    }
}

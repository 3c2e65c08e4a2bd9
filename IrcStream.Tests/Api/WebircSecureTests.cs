using System.Net;
using System.Net.Http.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Api;

/// <summary>
/// WEBIRC's <c>secure</c> option as a real InspIRCd 3 shows it (WHOIS 671 "is using a secure connection"). Its sslinfo
/// module takes the option only from a gateway whose own connection to it is TLS: there <c>secure</c> marks the user
/// secure and its absence marks them not secure; over a plain connection the option changes nothing. So a network that
/// wants its web users shown as secure gives the gateway a TLS port (docs/OPERATORS.md, "WEBIRC and idents").
/// </summary>
public sealed class WebircSecureTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InspircdServer? _irc;
    private GatewayProcess? _gateway;

    private InspircdServer Irc => _irc ?? throw new InvalidOperationException("InspIRCd is not started.");
    private GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not started.");

    public async ValueTask InitializeAsync()
    {
        _irc = await InspircdServer.StartWithTlsAsync(Token);
        _gateway = await GatewayProcess.StartAsync(new Dictionary<string, string>
        {
            ["IrcStream__AllowedServers__0"] = $"127.0.0.1:{Irc.Port}",
            ["IrcStream__AllowedServers__1"] = $"127.0.0.1:{Irc.TlsPort}",
            ["IrcStream__Webirc__Password"] = Irc.WebircPassword,
            // The gateway's process trusts the server's self-signed certificate as a root (.NET reads OpenSSL's
            // SSL_CERT_FILE), as an operator's gateway trusts its network's CA; the certificate check itself is not relaxed.
            ["SSL_CERT_FILE"] = Irc.CertificatePath,
        }, Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_irc is not null) await _irc.DisposeAsync();
    }

    [Fact]
    public async Task AUserIsShownSecureOnlyWhenTheBrowserUsedHttpsAndTheGatewayReachesTheServerOverTls()
    {
        var httpsOverTls = await ConnectAsync("198.51.100.31", https: true, tls: true);
        var httpOverTls = await ConnectAsync("198.51.100.32", https: false, tls: true);
        var httpsOverPlain = await ConnectAsync("198.51.100.33", https: true, tls: false);

        await using var watcher = await RawIrcClient.ConnectAsync(Irc.Host, Irc.Port, RawIrcClient.UniqueNick("w"), Token);
        (await IsShownSecureAsync(watcher, httpsOverTls)).Should().BeTrue($"the gateway said secure over TLS{Environment.NewLine}{Gateway.Output}");
        (await IsShownSecureAsync(watcher, httpOverTls)).Should().BeFalse("without secure the gateway's own TLS is not the browser's");
        (await IsShownSecureAsync(watcher, httpsOverPlain)).Should().BeFalse("InspIRCd takes secure only from a gateway connected over TLS");
    }

    /// <summary>A browser at <paramref name="address"/> (behind the loopback proxy) connecting; returns its nick.</summary>
    private async Task<string> ConnectAsync(string address, bool https, bool tls)
    {
        using var browser = new Browser(Gateway.BaseAddress);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        if (https) browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var nick = RawIrcClient.UniqueNick(https ? "sec" : "pln");
        using var response = await browser.Http.PostAsJsonAsync("/api/connections",
            new { server = $"127.0.0.1:{(tls ? Irc.TlsPort : Irc.Port)}", tls, nick }, Token);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Token));
        return nick;
    }

    /// <summary>WHOIS until <paramref name="nick"/> has registered; true when the reply holds 671 "is using a secure connection".</summary>
    private async Task<bool> IsShownSecureAsync(RawIrcClient watcher, string nick)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await watcher.SendAsync($"WHOIS {nick}", Token);
            var first = await watcher.WaitForAsync(m => m.Command is "311" or "401" && IsAbout(m, nick), Patience, Token);
            if (first.Command == "311")
            {
                var secure = false;
                while ((await watcher.WaitForAsync(m => m.Command is "671" or "318" && IsAbout(m, nick), Patience, Token)).Command == "671") secure = true;
                return secure;
            }
            await watcher.WaitForAsync(m => m.Command == "318" && IsAbout(m, nick), Patience, Token);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{nick} did not register on InspIRCd within {Patience}.{Environment.NewLine}{Gateway.Output}");
            await Task.Delay(200, Token);
        }

        static bool IsAbout(Domain.Protocol.IrcMessage message, string nick) =>
            message.Params.Count > 1 && message.Params[1].Equals(nick, StringComparison.OrdinalIgnoreCase);
    }
}

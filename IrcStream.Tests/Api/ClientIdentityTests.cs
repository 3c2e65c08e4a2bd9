using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

/// <summary>The ident templates' client facts and WEBIRC's IRCv3 options as the create route fills them.</summary>
public sealed class ClientIdentityTests
{
    [Theory]
    [InlineData("198.51.100.7", "c6336407")]
    [InlineData("127.0.0.1", "7f000001")]
    [InlineData("::ffff:198.51.100.7", "c6336407")]
    [InlineData("0.0.0.10", "0000000a")]
    public void AnIpv4AddressIsItsEightHexDigits(string address, string hex) =>
        ClientIdentity.HexIp(IPAddress.Parse(address)).Should().Be(hex);

    [Fact]
    public void AnIpv6AddressGetsEightHexDigitsOfItsSlash64()
    {
        var one = ClientIdentity.HexIp(IPAddress.Parse("2001:db8:1:2::1"));
        one.Should().MatchRegex("^[0-9a-f]{8}$");
        ClientIdentity.HexIp(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")).Should().Be(one, "the same /64 is the same person");
        ClientIdentity.HexIp(IPAddress.Parse("2001:db8:1:3::1")).Should().NotBe(one, "another /64 is someone else");
    }

    [Fact]
    public void TheUsersOwnChoiceIsNeverReadAsAPlaceholder()
    {
        var template = ClientIdentity.Template(new IdentOptions { Username = "{hexip}", Realname = "{realname} ({nick})" }, IPAddress.Parse("203.0.113.9"))!;
        template.ApplyRealname("u", "{nick}{hexip}", "bob").Should().Be("{nick}{hexip} (bob)");
        template.ApplyUsername("{username}", "x", "bob").Should().Be("cb007109");
        template.Rewrite(IrcMessage.Parse("USER me 0 * :Me Myself"), "bob").ToString().Should().Be("USER cb007109 0 * :Me Myself (bob)");
        template.Rewrite(IrcMessage.Parse("PRIVMSG #c :USER x"), "bob").ToString().Should().Be("PRIVMSG #c :USER x");
    }

    [Fact]
    public void NoTemplateConfiguredSendsTheUsersOwnChoice() =>
        ClientIdentity.Template(new IdentOptions(), IPAddress.Loopback).Should().BeNull();

    [Fact]
    public async Task WebircSaysSecureAndTheBrowsersPortsBehindATrustedProxy()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Webirc:Password"] = "hunter2" });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7:40999");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Host", "chat.example");
        var id = await browser.ConnectAsync();
        host.Fakes![id].Options.Webirc.Should().Be(new WebircIdentity("hunter2", "ircstream", "203.0.113.7", "203.0.113.7",
            Secure: true, RemotePort: 40999, LocalPort: 443));
        host.Fakes[id].Options.Webirc!.Flags.Should().Be("secure remote-port=40999 local-port=443");
    }

    [Fact]
    public async Task WebircWithoutAProxyNamesTheGatewaysOwnPortAndNoSecure()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Webirc:Password"] = "hunter2" });
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var webirc = host.Fakes![id].Options.Webirc!;
        webirc.Secure.Should().BeFalse();
        webirc.LocalPort.Should().Be(host.BaseAddress.Port);
        webirc.RemotePort.Should().BeGreaterThan(0);
        webirc.Flags.Should().Be($"remote-port={webirc.RemotePort} local-port={host.BaseAddress.Port}");
    }

    [Fact]
    public async Task TheCreateRouteHandsTheEngineTheTemplatesFilledWithTheBrowsersAddress()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Ident:Username"] = "w{hexip}",
            ["IrcStream:Ident:Realname"] = "{realname} via {host}",
        });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "2001:db8::5");
        var id = await browser.ConnectAsync();
        var options = host.Fakes![id].Options;
        options.Webirc.Should().BeNull("no WEBIRC password is configured; the templates work without it");
        options.UserTemplate.Should().Be(new UserTemplate("w" + ClientIdentity.HexIp(IPAddress.Parse("2001:db8::5")), "{realname} via 2001:db8::5"));
    }
}

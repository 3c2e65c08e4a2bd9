using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using Microsoft.Extensions.Options;

namespace IrcStream.Tests.Api;

public sealed class ServerPolicyTests
{
    private static ServerPolicy Policy(params string[] entries) =>
        new(Options.Create(new IrcStreamOptions { AllowedServers = [.. entries] }));

    private static ServerEndpoint Endpoint(string server, bool tls = false)
    {
        ServerEndpoint.TryParse(server, tls, out var endpoint, out var error).Should().BeTrue(error);
        return endpoint;
    }

    [Theory]
    [InlineData("irc.libera.chat:6697", "irc.libera.chat:6697", true)]
    [InlineData("IRC.Libera.Chat:6697", "irc.libera.chat:6697", true)]
    [InlineData("irc.libera.chat:6697", "irc.libera.chat:6667", false)]
    [InlineData("*.libera.chat:6697", "irc.libera.chat:6697", true)]
    [InlineData("*.libera.chat:6697", "a.b.libera.chat:6697", true)]
    [InlineData("*.libera.chat:6697", "libera.chat:6697", false)]
    [InlineData("*.libera.chat:6697", "evil-libera.chat:6697", false)]
    [InlineData("irc.libera.chat:*", "irc.libera.chat:7000", true)]
    [InlineData("irc.libera.chat:66*", "irc.libera.chat:6697", true)]
    [InlineData("irc.libera.chat:66*", "irc.libera.chat:7000", false)]
    [InlineData("[2001:db8::1]:6667", "[2001:0db8:0:0::1]:6667", true)]
    [InlineData("*:*", "irc.example.net:1", true)]
    public void EntriesMatchHostAndPortWithWildcards(string entry, string server, bool allowed) =>
        Policy(entry).Decide(Endpoint(server)).Allowed.Should().Be(allowed);

    [Fact]
    public void OnlyALiteralHostEntryLetsAConnectionReachInternalAddresses()
    {
        Policy("irc.internal.example:6667").Decide(Endpoint("irc.internal.example:6667")).IsAddressAllowed.Should().BeNull();
        Policy("*.example:6667").Decide(Endpoint("irc.internal.example:6667")).IsAddressAllowed.Should().NotBeNull();
        // A literal entry next to a wildcard one wins for its own host.
        Policy("*:6667", "localhost:6667").Decide(Endpoint("localhost:6667")).IsAddressAllowed.Should().BeNull();
        Policy("*:6667").Decide(Endpoint("10.0.0.1:6667")).Allowed.Should().BeFalse();
        Policy("10.0.0.1:6667").Decide(Endpoint("10.0.0.1:6667")).Should().Be(new ServerDecision(true, null));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.20.30.40", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("169.254.169.254", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("fc00::5", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    [InlineData("2002:7f00:1::", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2001:4860:4860::8888", false)]
    [InlineData("64:ff9b::808:808", false)]
    public void InternalAddresses(string address, bool isInternal) =>
        ServerPolicy.IsInternal(IPAddress.Parse(address)).Should().Be(isInternal);
}

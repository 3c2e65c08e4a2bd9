using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static IrcStream.Tests.Deployment.ComposeDemo;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// docker-compose.yml and the InspIRCd config it mounts must agree, or `docker compose up` gives a web client
/// that cannot reach its IRC server. There is no Docker engine in CI, so the files are read and compared;
/// <see cref="DemoIrcServerTests"/> runs the config in a real InspIRCd 3.
/// </summary>
public sealed class ComposeConfigTests
{
    [Fact]
    public void GatewayIsBuiltFromTheRepositoryAndPublishedOnPort8080()
    {
        Gateway.Ports.Should().Contain("8080:8080");
    }

    [Fact]
    public void IrcServerMountsItsConfigOverTheImagesOwn()
    {
        IrcConfigMount[1].Should().Be("/inspircd/conf/inspircd.conf", "the image starts InspIRCd with that file");
        File.Exists(IrcConfigPath).Should().BeTrue("{0} is mounted into the IRC server", IrcConfigMount[0]);
    }

    [Fact]
    public void IrcServerImageIsInspircd3WhoseConfigLanguageTheFileIsWrittenIn()
    {
        IrcServer.Image.Should().Be("inspircd/inspircd-docker:3", "InspIRCd 4 replaced cgiirc and <cgihost>, which the config uses");
    }

    [Fact]
    public async Task TheDemosBrandedSettingsStartTheGateway()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Gateway.Environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value));
        IrcStream.Api.Configuration.ConfigurationSetup.AddIrcStreamOptions(builder.Services, builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var web = host.Services.GetRequiredService<IOptions<IrcStream.Api.Configuration.IrcStreamOptions>>().Value.WebClient;
        web.NetworkName.Should().NotBeNullOrEmpty("the demo shows a branded setup");
        web.Rules.Should().Contain("\n", "one rule a line");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void GatewayAllowsTheIrcServiceLiterallyOnThePortItsConfigBindsForClients()
    {
        var clientPorts = IrcConfig
            .Where(t => t.Name == "bind" && t["type"] == "clients" && !t.Attributes.ContainsKey("ssl"))
            .Select(t => t["port"])
            .ToArray();
        var allowed = Gateway.Environment
            .Where(e => e.Key.StartsWith("IrcStream__AllowedServers__", StringComparison.Ordinal))
            .Select(e => e.Value)
            .ToArray();

        clientPorts.Should().NotBeEmpty("the IRC server needs a plain-text client port for the gateway");
        // The service name resolves to a private address, which only an entry naming the host literally may reach.
        allowed.Should().Contain(clientPorts.Select(port => $"{IrcServer.Name}:{port}"));
    }

    [Fact]
    public void WebircPasswordOfTheGatewayIsTheOneTheIrcServerAccepts()
    {
        var webirc = IrcConfig.Where(t => t.Name == "cgihost" && t["type"] == "webirc").ToArray();

        webirc.Should().ContainSingle();
        webirc[0]["mask"].Should().Be("*", "the gateway's address on the compose network is not known in advance");
        GatewayWebircPassword.Should().NotBeNullOrEmpty().And.Be(webirc[0]["password"]);
    }

    [Fact]
    public void IrcServerLoadsTheIrcv3ModulesAndWebircTheGatewayUses()
    {
        var modules = IrcConfig.Where(t => t.Name == "module").Select(t => t["name"]);

        modules.Should().Contain(["cap", "ircv3", "ircv3_servertime", "ircv3_echomessage", "ircv3_ctctags", "ircv3_msgid", "ircv3_batch", "cgiirc"]);
    }
}

using System.Net;
using IrcStream.Api.Configuration;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Tests.Api.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IrcStream.Tests.Api;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task TheGatewayRunsWithTheShippedAppsettingsValues()
    {
        await using var host = GatewayHost.Start(asShipped: true);
        var running = host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
        // The file the Api ships, as the build copies it next to the gateway.
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();

        running.AllowedServers.Should().Equal(["localhost:6667", "127.0.0.1:6667"], "the contract's default servers, used when none is configured");
        var aspNetCore = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        aspNetCore.IsEnabled(LogLevel.Information).Should().BeFalse("appsettings.json keeps ASP.NET Core's request lines out at Information");
        aspNetCore.IsEnabled(LogLevel.Warning).Should().BeTrue();
        // And every other value is the code's default: the file holds no IrcStream section.
        shipped.GetSection("IrcStream").Exists().Should().BeFalse("a list default in the file would be merged with an operator's list");
        running.Should().BeEquivalentTo(new IrcStreamOptions { AllowedServers = [.. IrcStreamOptions.DefaultAllowedServers] });
    }

    [Fact]
    public async Task AnOperatorsServerListReplacesTheDefaultInsteadOfMergingIntoIt()
    {
        using var host = OptionsHost(new Dictionary<string, string?> { ["IrcStream:AllowedServers:0"] = "irc.example.net:6697" });
        await host.StartAsync(TestContext.Current.CancellationToken);
        host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value.AllowedServers.Should().Equal(["irc.example.net:6697"]);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheWebClientSectionIsReadWithItsDefaults()
    {
        using var host = OptionsHost(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = "irc.example.net:6697",
            ["IrcStream:WebClient:NetworkName"] = "Example IRC",
            ["IrcStream:WebClient:LogoUrl"] = "https://www.example.net/logo.svg",
            ["IrcStream:WebClient:AccentColor"] = "#0b6bcb",
            ["IrcStream:WebClient:Rules"] = "Be kind.\nNo spam: https://www.example.net/rules",
            ["IrcStream:WebClient:DefaultChannels:0"] = "#help",
            ["IrcStream:WebClient:NickFormat"] = "Guest????",
            ["IrcStream:WebClient:FrameAncestors:0"] = "https://*.example.org",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var web = host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value.WebClient;
        web.NetworkName.Should().Be("Example IRC");
        web.DefaultChannels.Should().Equal(["#help"]);
        web.AutoConnect.Should().BeFalse("a link must not make a visitor join unasked unless the operator says so");
        web.AwayAfter.Should().Be(TimeSpan.FromMinutes(1));
        web.Embeddable.Should().BeTrue();
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheEngineGetsItsSettingsFromTheIrcStreamSection()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:EventBufferSize"] = "77",
            ["IrcStream:EventBufferBytes"] = "65536",
            ["IrcStream:LiveReaderHoldBytes"] = "0",
            ["IrcStream:LiveReaderHoldTotalBytes"] = "1000000",
            ["IrcStream:ConnectTimeout"] = "00:00:07",
            ["IrcStream:ReconnectDelay"] = "00:00:03",
            ["IrcStream:Flood:Burst"] = "9",
            ["IrcStream:Flood:Interval"] = "00:00:00.250",
        });
        var settings = host.Services.GetRequiredService<IrcEngineSettings>();
        settings.EventBufferSize.Should().Be(77);
        settings.EventLogLimits.Should().Match<EventLogLimits>(l =>
            l.MaxEvents == 77 && l.MaxBytes == 65536 && l.MaxHeldBytes == 0 && l.HoldBudget.CapacityBytes == 1_000_000);
        settings.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(7));
        settings.ReconnectDelay.Should().Be(TimeSpan.FromSeconds(3));
        settings.MaxReconnectDelay.Should().BeGreaterThanOrEqualTo(settings.ReconnectDelay);
        settings.FloodBurst.Should().Be(9);
        settings.FloodInterval.Should().Be(TimeSpan.FromMilliseconds(250));
    }

    [Theory]
    [InlineData("IrcStream:PollBatchSize", "0")]
    [InlineData("IrcStream:MaxConnectionsPerSession", "-1")]
    [InlineData("IrcStream:LongPollTimeout", "00:02:00")]
    [InlineData("IrcStream:SessionIdleTimeout", "00:00:00")]
    [InlineData("IrcStream:AllowedServers:0", "irc.example.net")]
    [InlineData("IrcStream:TrustedProxies:0", "not-an-ip")]
    [InlineData("IrcStream:TrustedNetworks:0", "10.0.0.0/99")]
    [InlineData("IrcStream:Webirc:Gateway", "my gateway")]
    [InlineData("IrcStream:KeepAliveInterval", "soon")]
    [InlineData("IrcStream:Ident:Username", "{hexIP}")]
    [InlineData("IrcStream:Ident:Username", "web {hexip}")]
    [InlineData("IrcStream:Ident:Username", "")]
    [InlineData("IrcStream:Ident:Realname", "{name}")]
    [InlineData("IrcStream:Dnsbl:Deny:0", "not a zone")]
    [InlineData("IrcStream:Dnsbl:Servers:0", "dns.example")]
    [InlineData("IrcStream:Dnsbl:Timeout", "00:01:00")]
    [InlineData("IrcStream:Dnsbl:OnFailure", "maybe")]
    [InlineData("IrcStream:HumanCheck:Difficulty", "40")]
    [InlineData("IrcStream:HumanCheck:ChallengeLifetime", "00:00:01")]
    [InlineData("IrcStream:Redis:NodeUrl", "gateway-1:8080")]
    [InlineData("IrcStream:Redis:NodeUrl", "http://gateway-1:8080/api")]
    [InlineData("IrcStream:Redis:ForwardTimeout", "00:05:00")]
    [InlineData("IrcStream:WebClient:AccentColor", "red; background: url(x)")]
    [InlineData("IrcStream:WebClient:LogoUrl", "javascript:alert(1)")]
    [InlineData("IrcStream:WebClient:LogoUrl", "http://insecure.example.net/logo.png")]
    [InlineData("IrcStream:WebClient:DefaultServer", "irc.elsewhere.net:6697")]
    [InlineData("IrcStream:WebClient:DefaultChannels:0", "help")]
    [InlineData("IrcStream:WebClient:NickFormat", "9Guest")]
    [InlineData("IrcStream:WebClient:FrameAncestors:0", "https://www.example.org/page")]
    [InlineData("IrcStream:WebClient:FrameAncestors:0", "https://x.org; script-src *")]
    [InlineData("IrcStream:WebClient:AwayAfter", "00:00:00")]
    [InlineData("IrcStream:WebClient:AwayText", "gone\r\nQUIT")]
    public async Task ABadValueStopsTheGatewayNamingTheKey(string key, string value)
    {
        using var host = OptionsHost(new Dictionary<string, string?> { [key] = value });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        (await start.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(key);
    }

    [Fact]
    public async Task TheShippedAppsettingsStartsCleanly()
    {
        using var host = OptionsHost([]);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var options = host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
        options.MaxSessions.Should().Be(10_000);
        options.MaxSessionsPerAddress.Should().Be(20);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("IrcStream:Metrics:AllowedAddresses:0", "10.0.0.0/33", "it accepts an IP like 10.0.0.5 or CIDR like 10.0.0.0/8")]
    [InlineData("IrcStream:Metrics:AllowedAddresses:0", "prometheus", "it accepts an IP like 10.0.0.5 or CIDR like 10.0.0.0/8")]
    [InlineData("IrcStream:ReconnectDelay", "-00:00:01", "it accepts a duration (hh:mm:ss) from 00:00:00 to 1.00:00:00")]
    [InlineData("IrcStream:Flood:Burst", "0", "it accepts a whole number from 1 to 1000")]
    [InlineData("IrcStream:MaxSessions", "0", "it accepts a whole number from 1 to 10000000")]
    [InlineData("IrcStream:MaxSessionsPerAddress", "-1", "it accepts a whole number from 1 to 10000000")]
    [InlineData("IrcStream:MaxStreamsPerSession", "0", "it accepts a whole number from 1 to 1000000")]
    [InlineData("IrcStream:EventBufferBytes", "100", "it accepts a number of bytes from 4096 to 1073741824")]
    [InlineData("IrcStream:LiveReaderHoldBytes", "-1", "it accepts a number of bytes from 0 to 4294967296")]
    [InlineData("IrcStream:LiveReaderHoldTotalBytes", "-5", "it accepts a number of bytes from 0 to 1099511627776")]
    public async Task ABadSettingStopsTheGatewayNamingTheKeyAndWhatItAccepts(string key, string value, string accepts)
    {
        using var host = OptionsHost(new Dictionary<string, string?> { [key] = value });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Message.Should().Contain(key).And.Contain(value).And.Contain(accepts);
    }

    [Theory]
    [InlineData("IrcStream:AllowedServers")]
    [InlineData("IrcStream:Metrics:AllowedAddresses")]
    [InlineData("IrcStream:Dnsbl:Deny")]
    [InlineData("IrcStream:Dnsbl:Servers")]
    public async Task AListGivenAsOneValueStopsTheGatewayNamingTheIndexedForm(string key)
    {
        using var host = OptionsHost(new Dictionary<string, string?> { [key] = "irc.example.net:6667" });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should()
            .Contain($"{key} is a list but was given one value ('irc.example.net:6667')").And.Contain(key.Replace(":", "__") + "__0");
    }

    [Fact]
    public async Task AdminKeysGivenAsOneValueStopsTheGatewayNamingEachKeysEntriesWithoutEchoingTheValue()
    {
        const string hash = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
        using var host = OptionsHost(new Dictionary<string, string?> { ["IrcStream:Admin:Keys"] = hash });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        var message = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        message.Should().Contain("IrcStream:Admin:Keys is a list but was given one value")
            .And.Contain("IrcStream:Admin:Keys:0:Name").And.Contain("IrcStream:Admin:Keys:0:Sha256")
            .And.Contain("IrcStream__Admin__Keys__0__Name").And.NotContain(hash, "the value may be a key itself");
    }

    [Fact]
    public async Task AMisspeltKeyStopsTheGatewayNamingIt()
    {
        using var host = OptionsHost(new Dictionary<string, string?> { ["IrcStream:ReconectDelay"] = "00:00:05" });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("'ReconectDelay'");
    }

    [Fact]
    public async Task TheDevelopmentSettingsStartAndAllowALocalServerWithAShortReconnect()
    {
        using var host = OptionsHost([], "appsettings.Development.json");
        await host.StartAsync(TestContext.Current.CancellationToken);
        var options = host.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value;
        options.AllowedServers.Should().Contain(["localhost:6667", "localhost:6697"]);
        options.ReconnectDelay.Should().BeLessThan(TimeSpan.FromSeconds(10));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The shipped appsettings.json (then <paramref name="moreFiles"/>) plus <paramref name="overrides"/>, with the gateway's options registration, in a
    /// host of its own: WebApplicationFactory can hide a start-up failure behind an ObjectDisposedException of its
    /// own when several factories start at once.
    /// </summary>
    private static IHost OptionsHost(Dictionary<string, string?> overrides, params string[] moreFiles)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        foreach (var file in moreFiles) builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, file), optional: false);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddIrcStreamOptions(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task WebircCarriesTheBrowsersForwardedAddressFromATrustedProxy()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?> { ["IrcStream:Webirc:Password"] = "hunter2" });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var id = await browser.ConnectAsync();
        // The proxy named no port for the browser and the request came as http to the proxy's Host (ClientIdentityTests has the options).
        host.Fakes![id].Options.Webirc.Should().Be(new WebircIdentity("hunter2", "ircstream", "203.0.113.7", "203.0.113.7", LocalPort: host.BaseAddress.Port));
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUntrustedProxyAreIgnored()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Webirc:Password"] = "hunter2",
            ["IrcStream:TrustedProxies:0"] = "10.9.9.9",
        });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var id = await browser.ConnectAsync();
        host.Fakes![id].Options.Webirc!.ClientAddress.Should().Be(IPAddress.Loopback.ToString());
    }

    [Fact]
    public async Task TrustedNetworkIsBelieved()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Webirc:Password"] = "hunter2",
            // Configuring any proxy drops the built-in loopback trust, so only the network below makes 127.0.0.1 trusted.
            ["IrcStream:TrustedProxies:0"] = "10.9.9.9",
            ["IrcStream:TrustedNetworks:0"] = "127.0.0.0/8",
        });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "2001:db8::5");
        var id = await browser.ConnectAsync();
        host.Fakes![id].Options.Webirc!.ClientAddress.Should().Be("2001:db8::5");
    }
}

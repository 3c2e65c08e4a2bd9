using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.State;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

[Collection("Redis")]
public sealed class RedisSetupTests(RedisFixture fixture)
{
    [Fact]
    public async Task WithoutAConfigurationTheStateIsInMemoryAndNothingRedisIsRegistered()
    {
        await using var gateway = GatewayHost.Start();
        gateway.Services.GetRequiredService<IGatewayState>().Should().BeOfType<MemoryState>();
        gateway.Services.GetService<IConnectionMultiplexer>().Should().BeNull();
        gateway.Services.GetService<RedisKeys>().Should().BeNull();
        gateway.Services.GetRequiredService<IOptions<IrcStreamOptions>>().Value.Redis.KeyPrefix.Should().Be("ircstream");
    }

    [Fact]
    public async Task WithAConfigurationTheStateIsInRedis()
    {
        await using var gateway = GatewayHost.StartNode(fixture.Server, RedisFixture.UniquePrefix("setup"));
        gateway.Services.GetRequiredService<IGatewayState>().Should().BeOfType<RedisState>();
    }

    [Fact]
    public async Task AConfiguredRedisIsConnectedAtStartWithTheConfiguredPrefix()
    {
        using var host = OptionsHost(new()
        {
            ["IrcStream:Redis:Configuration"] = fixture.Server.Configuration,
            ["IrcStream:Redis:KeyPrefix"] = "node-test",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        redis.IsConnected.Should().BeTrue();
        (await redis.GetDatabase().PingAsync()).Should().BePositive();
        host.Services.GetRequiredService<RedisKeys>().Log("c1").ToString().Should().Be("node-test:{c1}:log");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnUnreachableRedisStopsTheGatewayNamingTheKey()
    {
        var port = FreePort.Next();
        using var host = OptionsHost(new() { ["IrcStream:Redis:Configuration"] = $"127.0.0.1:{port},connectTimeout=500,password=hunter2" });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        var failure = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        failure.Message.Should().Contain("IrcStream:Redis:Configuration").And.Contain($"127.0.0.1:{port}").And.Contain("could not be reached")
            .And.NotContain("hunter2", "the password is not printed");
    }

    [Theory]
    [InlineData("IrcStream:Redis:Configuration", "127.0.0.1:6379,nosuchoption=1", "is not a StackExchange.Redis configuration string")]
    [InlineData("IrcStream:Redis:Configuration", "connectTimeout=100", "it names no host:port")]
    [InlineData("IrcStream:Redis:KeyPrefix", "irc{stream}", "it accepts a name like \"ircstream\"")]
    [InlineData("IrcStream:Redis:KeyPrefix", "a:b", "it accepts a name like \"ircstream\"")]
    [InlineData("IrcStream:Redis:LeaseTimeout", "00:00:01", "it accepts a duration (hh:mm:ss) from 00:00:03 to 00:05:00")]
    public async Task ABadRedisSettingStopsTheGatewayNamingTheKey(string key, string value, string says)
    {
        using var host = OptionsHost(new() { [key] = value });
        var start = () => host.StartAsync(TestContext.Current.CancellationToken);
        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(key).And.Contain(says);
    }

    [Fact]
    public void KeysOfAConnectionShareItsHashSlotAndTheCookieIsNeverPartOfAKey()
    {
        var keys = new RedisKeys("ircstream");
        keys.Log("abc").ToString().Should().Be("ircstream:{abc}:log");
        keys.Lease("abc").ToString().Should().Be("ircstream:{abc}:lease");
        keys.Connection("abc").ToString().Should().Be("ircstream:{abc}:conn");
        keys.Events.ToString().Should().Be("ircstream:events");
        var session = keys.Session("cookie-value").ToString();
        session.Should().StartWith("ircstream:session:").And.NotContain("cookie-value").And.HaveLength("ircstream:session:".Length + 64);
        keys.Session("cookie-value").Should().Be(keys.Session("cookie-value"));
    }

    private static IHost OptionsHost(Dictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddIrcStreamOptions(builder.Configuration);
        if (RedisSetup.IsConfigured(builder.Configuration)) builder.Services.AddRedisClient();
        return builder.Build();
    }
}

using StackExchange.Redis;

namespace IrcStream.Tests.Support;

public sealed class RedisServerTests
{
    [Fact]
    public async Task RestartComesBackEmptyOnTheSamePortAndStopKillsTheProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(ct);
        var port = server.Port;
        var firstPid = server.ProcessId;

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.Configuration))
        {
            await redis.GetDatabase().StringSetAsync("fixture", "before");
            (await redis.GetDatabase().StringGetAsync("fixture")).ToString().Should().Be("before");
        }

        await server.RestartAsync(ct);
        server.Port.Should().Be(port);
        server.ProcessId.Should().NotBe(firstPid);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.Configuration))
        {
            (await redis.GetDatabase().StringGetAsync("fixture")).IsNull.Should().BeTrue("nothing is persisted across a restart");
        }

        var pid = server.ProcessId!.Value;
        await server.StopAsync();
        server.ProcessId.Should().BeNull();
        var alive = () => System.Diagnostics.Process.GetProcessById(pid).HasExited.Should().BeTrue();
        alive.Should().Throw<ArgumentException>("the process is gone and reaped");
    }
}

using System.Globalization;
using IrcStream.Api.Cluster;
using Microsoft.Extensions.DependencyInjection;
using IrcStream.Tests.Api;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Cluster;

/// <summary>The streaming contract's tests again in Redis mode: the logs in Redis Streams, read through XRANGE and the node's subscription.</summary>
[Collection("Redis")]
public sealed class RedisStreamingApiTests(RedisFixture fixture) : StreamingApiTests
{
    protected override GatewayHost StartHost(IDictionary<string, string?>? settings = null, int eventBufferSize = 1000, TimeProvider? time = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["IrcStream:Redis:Configuration"] = fixture.Server.Configuration,
            ["IrcStream:Redis:KeyPrefix"] = RedisFixture.UniquePrefix("streaming"),
            ["IrcStream:EventBufferSize"] = eventBufferSize.ToString(CultureInfo.InvariantCulture),
        };
        return GatewayHost.Start(all, eventBufferSize: eventBufferSize, services: WithClock(time));
    }

    /// <summary>The owner copies appends into Redis behind them: wait, woken by the node channel, until the copy caught up.</summary>
    protected override async Task StoredAsync(GatewayHost host, string id)
    {
        var log = (RedisEventLog)host.Fakes![id].Events;
        var last = log.LastSeq;
        using var appended = host.Services.GetRequiredService<RedisEventNotifier>().Register(id, last - 1);
        if (log.ShippedSeq < last) await appended.Woken.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}

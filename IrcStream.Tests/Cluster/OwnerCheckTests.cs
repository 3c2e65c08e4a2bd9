using System.Net;
using System.Net.Http.Json;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>
/// Before a takeover, the owner a lapsed lease's record names is asked whether it still holds the connection: what a
/// live owner holds is left to it, whatever the time its heartbeat takes to reach Redis again. Decided against a real
/// redis-server (the records) and owners answering through a stub handler.
/// </summary>
[Collection("Redis")]
public sealed class OwnerCheckTests(RedisFixture fixture) : IAsyncLifetime
{
    private readonly RedisKeys _keys = new(RedisFixture.UniquePrefix("owners"));
    private readonly IOptions<IrcStreamOptions> _options = Options.Create(new IrcStreamOptions());
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private ConnectionMultiplexer? _redis;

    private IDatabase Db => _redis!.GetDatabase();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);

    [Fact]
    public async Task WhatALiveOwnerSaysItHoldsIsLeftToItAndEverythingElseMayBeTakenOver()
    {
        var self = new GatewayNode(new NoServer(), _options);
        var (alive, frozen) = (new GatewayNode(new NoServer(), _options), new GatewayNode(new NoServer(), _options));
        var peers = new PeerNodes(self, _keyRing, _time);
        peers.Announced([(alive.Id, "http://127.0.0.1:1"), (frozen.Id, "http://127.0.0.1:2")]);
        await OwnedByAsync("held", alive.Id);
        await OwnedByAsync("let-go", alive.Id);
        await OwnedByAsync("of-a-frozen-node", frozen.Id);
        await OwnedByAsync("of-an-unknown-node", "gone");
        await OwnedByAsync("let-go-here", self.Id);
        var asked = new List<string>();
        var answering = new PeerNodes(alive, _keyRing, _time);
        using var owners = new OwnerCheck(_redis!, _keys, self, peers, NullLogger<OwnerCheck>.Instance, new Answering(async request =>
        {
            asked.Add(request.RequestUri!.AbsolutePath);
            if (request.RequestUri.Port == 2) throw new HttpRequestException("timed out");
            answering.IsPeer(request.Headers.GetValues(PeerNodes.ProofHeader).Single()).Should().BeTrue("the asker proves it is a node of the cluster");
            var ids = await request.Content!.ReadFromJsonAsync<string[]>(Token);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(ids!.Where(id => id == "held").ToArray()) };
        }));

        var free = await owners.NotHeldAsync(["held", "let-go", "of-a-frozen-node", "of-an-unknown-node", "let-go-here"], Token);

        free.Should().BeEquivalentTo([("let-go", true), ("of-a-frozen-node", false), ("of-an-unknown-node", false), ("let-go-here", true)],
            "only what a live owner says it holds stays with it; an owner that does not answer is taken as gone");
        asked.Should().BeEquivalentTo([ClusterNodesApi.HoldingPath(alive.Id), ClusterNodesApi.HoldingPath(frozen.Id)], "each owner is asked once");
    }

    [Fact]
    public async Task AnAnswerFromAnotherProcessAtTheOwnersAddressDoesNotKeepTheConnection()
    {
        var self = new GatewayNode(new NoServer(), _options);
        var restarted = new GatewayNode(new NoServer(), _options);
        var peers = new PeerNodes(self, _keyRing, _time);
        peers.Announced([(restarted.Id, "http://127.0.0.1:1")]);
        await OwnedByAsync("c1", restarted.Id);
        using var owners = new OwnerCheck(_redis!, _keys, self, peers, NullLogger<OwnerCheck>.Instance,
            new Answering(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound))));

        (await owners.NotHeldAsync(["c1"], Token)).Should().Equal([("c1", false)]);
    }

    [Fact]
    public void OnlyAnotherNodeOfTheClusterProvesItselfAndOnlyForHalfAMinute()
    {
        var (a, b) = (new GatewayNode(new NoServer(), _options), new GatewayNode(new NoServer(), _options));
        var onA = new PeerNodes(a, _keyRing, _time);
        var onB = new PeerNodes(b, _keyRing, _time);
        var outsider = new PeerNodes(new GatewayNode(new NoServer(), _options), new EphemeralDataProtectionProvider(), _time);

        var proof = onA.Proof();
        onB.IsPeer(proof).Should().BeTrue();
        onA.IsPeer(proof).Should().BeFalse("a node does not ask itself");
        onB.IsPeer(outsider.Proof()).Should().BeFalse("another key ring: not this cluster");
        onB.IsPeer("garbage").Should().BeFalse();
        onB.IsPeer(null).Should().BeFalse();

        _time.Advance(TimeSpan.FromSeconds(31));
        onB.IsPeer(proof).Should().BeFalse("a proof expires");
    }

    [Fact]
    public void BeingAskedCountsForAWhileAsAnotherNodeReachingRedis()
    {
        var peers = new PeerNodes(new GatewayNode(new NoServer(), _options), _keyRing, _time);
        peers.AskedWithin(TimeSpan.FromSeconds(2)).Should().BeFalse();
        peers.AskedByAPeer();
        _time.Advance(TimeSpan.FromSeconds(1));
        peers.AskedWithin(TimeSpan.FromSeconds(2)).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(2));
        peers.AskedWithin(TimeSpan.FromSeconds(2)).Should().BeFalse();
    }

    private async Task OwnedByAsync(string id, string owner)
    {
        await Db.HashSetAsync(_keys.Connection(id), [new("server", "127.0.0.1:6667"), new(ConnectionRecord.OwnerField, owner)]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }

    private sealed class Answering(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request);
    }
}

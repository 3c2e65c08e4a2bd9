using System.Net;
using System.Net.Http.Json;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IrcStream.Tests.Cluster;

/// <summary>The question one node asks another before a takeover, over real HTTP: which of these connections do you hold?</summary>
[Collection("Redis")]
public sealed class ClusterNodesApiTests(RedisFixture redis)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANodeAnswersAnotherNodeWhichConnectionsItHoldsAndNobodyElse()
    {
        await using var node = GatewayHost.StartNode(redis.Server, RedisFixture.UniquePrefix("holding"));
        var browser = node.NewBrowser();
        var held = await browser.ConnectAsync();
        var self = node.Services.GetRequiredService<GatewayNode>();
        // Another node of the same cluster: the key ring it seals its proof with is the shared one.
        var asker = new PeerNodes(new GatewayNode(new NoServer(), Options.Create(new IrcStreamOptions())), node.Services.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);
        using var http = new HttpClient { BaseAddress = node.BaseAddress };

        using var answer = await AskAsync(http, self.Id, asker.Proof(), [held, "not-a-connection"]);
        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        (await answer.Content.ReadFromJsonAsync<string[]>(Token)).Should().Equal(held);

        using var wrongNode = await AskAsync(http, "another-node", asker.Proof(), [held]);
        wrongNode.StatusCode.Should().Be(HttpStatusCode.NotFound, "a process at the address the asker knew that is not the node it asks about");
        using var noProof = await AskAsync(http, self.Id, null, [held]);
        noProof.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        noProof.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    private static Task<HttpResponseMessage> AskAsync(HttpClient http, string nodeId, string? proof, string[] ids)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ClusterNodesApi.HoldingPath(nodeId)) { Content = JsonContent.Create(ids) };
        if (proof is not null) request.Headers.Add(PeerNodes.ProofHeader, proof);
        return http.SendAsync(request, Token);
    }
}

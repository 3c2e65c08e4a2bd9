using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace IrcStream.Api.Cluster;

/// <summary>
/// What one node asks another directly, in Redis mode: <c>POST /cluster/nodes/{node}/holding</c> with connection ids
/// and the asker's <see cref="PeerNodes.Proof"/> answers the ids of those this node still holds (<see cref="OwnerCheck"/>),
/// 404 when <c>{node}</c> is not this node (a process started since at the address the asker knew), 403 without a
/// valid proof. Being asked tells this node that another node reaches
/// Redis now (<see cref="CutOffWatch"/>). Mapped in Redis mode only (<see cref="State.StateSetup.MapGatewayState"/>).
/// </summary>
internal static class ClusterNodesApi
{
    /// <summary>The most ids one question may carry: a takeover round asks about what it found due, at most this many.</summary>
    private const int MostIds = TakeoverCandidates.MostPerRound;

    public static string HoldingPath(string nodeId) => $"/cluster/nodes/{Uri.EscapeDataString(nodeId)}/holding";

    public static IEndpointRouteBuilder MapClusterNodes(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/cluster/nodes/{node}/holding", Holding).ExcludeFromDescription();
        return routes;
    }

    private static Results<Ok<string[]>, ProblemHttpResult> Holding(
        string node, [FromBody] string[] ids, [FromHeader(Name = PeerNodes.ProofHeader)] string? proof, GatewayNode self, ConnectionLeases leases, PeerNodes peers)
    {
        if (!peers.IsPeer(proof))
            return TypedResults.Problem(title: "Nodes only", detail: "Only another node of this gateway may ask this.", statusCode: StatusCodes.Status403Forbidden);
        if (node != self.Id)
            return TypedResults.Problem(title: "Not that node", detail: $"This is node {self.Id}, not node {node}: that node is gone.", statusCode: StatusCodes.Status404NotFound);
        if (ids.Length > MostIds)
            return TypedResults.Problem(title: "Too many ids", detail: $"Ask about at most {MostIds} connections at a time.", statusCode: StatusCodes.Status400BadRequest);
        peers.AskedByAPeer();
        return TypedResults.Ok(ids.Where(id => leases.TokenOf(id) is not null).ToArray());
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Runtime;

namespace OvopQuality.Api.Infrastructure;

/// <summary>One instance of the service as Wolverine's node table knows it.</summary>
public sealed record ClusterNode(
    int Number, DateTimeOffset Started, DateTimeOffset LastHeartbeat, bool IsLeader, IReadOnlyList<string> Agents);

/// <summary>
/// The instances running on this database: which one answered, which one leads (assigns scheduled
/// work, inbox recovery and any async projection), and the agents each runs.
/// </summary>
public sealed record ClusterState(int ThisNode, int? Leader, IReadOnlyList<ClusterNode> Nodes);

public static class GetClusterEndpoint
{
    private static readonly Uri LeaderAgent = new("wolverine://leader/");

    /// <summary>
    /// The cluster as its nodes last recorded it (heartbeats every <c>Ovop:Cluster:HealthCheckSeconds</c>):
    /// for administrators and for operators' scripts (deploy/failover.sh asks each instance which node it is).
    /// </summary>
    [WolverineGet("/api/cluster", OperationId = "GetCluster")]
    [Tags("Service")]
    [Authorize(Roles = Access.Roles.Administrator)]
    public static async Task<Ok<ClusterState>> Get(IWolverineRuntime runtime, CancellationToken ct)
    {
        var nodes = await runtime.Storage.Nodes.LoadAllNodesAsync(ct);
        var view = nodes
            .OrderBy(n => n.AssignedNodeNumber)
            .Select(n => new ClusterNode(
                n.AssignedNodeNumber,
                n.Started,
                n.LastHealthCheck,
                n.ActiveAgents.Contains(LeaderAgent),
                [.. n.ActiveAgents.Select(a => a.ToString()).Order(StringComparer.Ordinal)]))
            .ToList();
        return TypedResults.Ok(new ClusterState(
            runtime.Options.Durability.AssignedNodeNumber,
            view.FirstOrDefault(n => n.IsLeader)?.Number,
            view));
    }
}

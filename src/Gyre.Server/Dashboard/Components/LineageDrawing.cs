using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Steps;
using Gyre.Server.Dashboard.Charts;

namespace Gyre.Server.Dashboard.Components;

/// <summary>
/// Turns a lineage trace into a drawable graph: data sets, models and files as artifacts, pipeline
/// steps as executions, and the endpoints that serve a model; each node links to its own page, so
/// lineage is followed by clicking through it.
/// </summary>
internal static class LineageDrawing
{
    /// <summary>The trace, or null when no pipeline step read or made the artifact (lineage is recorded by pipelines).</summary>
    public static async Task<LineageGraph?> TraceOrNullAsync(LineageService lineage, string uri, string direction, CancellationToken ct)
    {
        try
        {
            return await lineage.TraceAsync(uri, direction, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    public static (IReadOnlyList<GraphNode> Nodes, IReadOnlyList<(string, string)> Edges) Build(LineageGraph graph)
    {
        var nodes = new List<GraphNode>();
        foreach (var artifact in graph.Artifacts.OrderBy(a => a.CreationTime))
        {
            nodes.Add(Artifact(artifact));
        }
        foreach (var execution in graph.Executions.OrderBy(e => e.StartTime))
        {
            nodes.Add(new GraphNode("e" + execution.Id, execution.Step, $"{execution.Type} · {execution.Pipeline} #{execution.RunId}", "execution",
                $"pipelines/runs/{execution.RunId}", execution.State));
        }
        var edges = graph.Events.Select(e => e.Kind == LineageEvent.Input ? ("a" + e.ArtifactId, "e" + e.ExecutionId) : ("e" + e.ExecutionId, "a" + e.ArtifactId)).ToList();
        var models = graph.Artifacts.Where(a => a.Type == ArtifactTypes.Model).ToDictionary(a => a.Uri, a => "a" + a.Id, StringComparer.Ordinal);
        foreach (var deployed in graph.Deployed)
        {
            var id = "endpoint:" + deployed.Endpoint;
            if (nodes.All(n => n.Id != id))
            {
                nodes.Add(new GraphNode(id, deployed.Endpoint, "endpoint", "endpoint", $"endpoints/{Fmt.Seg(deployed.Endpoint)}"));
            }
            if (models.TryGetValue(deployed.Model, out var model))
            {
                edges.Add((model, id));
            }
        }
        return (nodes, edges);
    }

    private static GraphNode Artifact(LineageArtifact artifact)
    {
        var id = "a" + artifact.Id;
        if (ArtifactUris.ParseDataset(artifact.Uri) is var (dataset, dv))
        {
            return new GraphNode(id, $"{dataset}@{dv}", "dataset version", "dataset", $"datasets/{Fmt.Seg(dataset)}/versions/{dv}");
        }
        if (ArtifactUris.ParseModel(artifact.Uri) is var (model, mv))
        {
            return new GraphNode(id, $"{model}/{mv}", "model version", "model", $"models/{Fmt.Seg(model)}/versions/{mv}");
        }
        if (artifact.Type == ArtifactTypes.File)
        {
            return new GraphNode(id, Path.GetFileName(ArtifactUris.FilePath(artifact.Uri)), "file " + artifact.Digest[..Math.Min(12, artifact.Digest.Length)], "file");
        }
        return new GraphNode(id, artifact.Type.Replace('_', ' '), artifact.Uri, artifact.Type);
    }
}

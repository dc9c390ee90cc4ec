using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Steps;
using Gyre.Core.Serving.Endpoints;

namespace Gyre.Core.Pipelines.Lineage;

/// <summary>
/// Answers lineage questions by walking events, as ML Metadata does: upstream from a model
/// ("where did churn/7 come from?") through the executions that made it to their inputs, and
/// downstream from a dataset ("which deployed models depend on churn@3?").
/// </summary>
public sealed class LineageService(ILineageStore store, IEndpointStore endpoints)
{
    public const string Upstream = "upstream";
    public const string Downstream = "downstream";
    public const int MaxDepth = 50;

    public async Task<LineageGraph> TraceAsync(string uri, string direction, CancellationToken ct)
    {
        if (direction is not (Upstream or Downstream))
        {
            throw GyreException.Invalid($"direction: expected {Upstream} or {Downstream}, got '{direction}'");
        }
        var root = await store.FindArtifactAsync(uri, ct)
            ?? throw GyreException.NotFound($"artifact: no pipeline step read or made '{uri}' (lineage is recorded by pipeline runs)");
        var upstream = direction == Upstream;
        var artifacts = new HashSet<long> { root.Id };
        var executions = new HashSet<long>();
        var events = new List<LineageEvent>();
        var frontier = new List<long> { root.Id };
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            // Upstream: the executions that made these artifacts, then what those executions read.
            var toExecutions = await store.EventsOfArtifactsAsync(frontier, upstream ? LineageEvent.Output : LineageEvent.Input, ct);
            var newExecutions = toExecutions.Select(e => e.ExecutionId).Where(executions.Add).ToList();
            events.AddRange(toExecutions);
            var toArtifacts = await store.EventsOfExecutionsAsync(newExecutions, upstream ? LineageEvent.Input : LineageEvent.Output, ct);
            events.AddRange(toArtifacts);
            frontier = [.. toArtifacts.Select(e => e.ArtifactId).Where(artifacts.Add)];
        }
        var found = await store.GetArtifactsAsync(artifacts, ct);
        var runs = await store.GetExecutionsAsync(executions, ct);
        var models = found.Where(a => a.Type == ArtifactTypes.Model).Select(a => a.Uri).ToList();
        var deployed = new List<DeployedModel>();
        foreach (var endpoint in await endpoints.ListEndpointsAsync(ct))
        {
            deployed.AddRange(endpoint.Variants.Where(v => models.Contains(ArtifactUris.Model(v.ModelName, v.ModelVersion)))
                .Select(v => new DeployedModel(ArtifactUris.Model(v.ModelName, v.ModelVersion), endpoint.Name, v.Name, v.Weight)));
        }
        return new LineageGraph(root.Uri, direction, found, [.. runs.OrderBy(e => e.StartTime)], [.. events.Distinct()],
            [.. runs.Select(e => e.RunId).Distinct().Order()],
            [.. found.Where(a => a.Type == ArtifactTypes.Dataset).Select(a => a.Uri).Order(StringComparer.Ordinal)],
            [.. models.Order(StringComparer.Ordinal)], deployed);
    }
}

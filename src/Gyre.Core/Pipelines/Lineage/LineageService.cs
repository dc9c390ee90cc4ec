using System.Text.Json.Nodes;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Steps;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Tracking;

namespace Gyre.Core.Pipelines.Lineage;

/// <summary>
/// Answers lineage questions by walking events, as ML Metadata does: upstream from a model
/// ("where did churn/7 come from?") through the executions that made it to their inputs, and
/// downstream from a dataset ("which deployed models depend on churn@3?"). A model made outside a
/// pipeline (<c>gyre train</c>, an import) has no execution in the graph: its tracking run stands in,
/// with the datasets the run read, and the walk goes on from those datasets.
/// </summary>
public sealed class LineageService(ILineageStore store, IEndpointStore endpoints, IRegistryStore registry, ITrackingStore tracking)
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
        var upstream = direction == Upstream;
        var root = await store.FindArtifactAsync(uri, ct);
        var made = root is not null && (await store.EventsOfArtifactsAsync([root.Id], LineageEvent.Output, ct)).Count > 0;
        var run = upstream && !made && ArtifactUris.ParseModel(uri) is { } model ? await FromRunAsync(uri, model.Name, model.Version, ct) : null;
        if (root is null && run is null)
        {
            throw GyreException.NotFound($"artifact: no pipeline step read or made '{uri}', and no tracking run made it");
        }
        var artifacts = new HashSet<long>();
        var frontier = new List<long>();
        if (root is not null)
        {
            artifacts.Add(root.Id);
            frontier.Add(root.Id);
        }
        // A run's datasets may have been made by pipeline steps (a split, an ingest): the walk goes on from them.
        foreach (var input in run?.Artifacts.Where(a => a.Id < 0 && a.Type == ArtifactTypes.Dataset) ?? [])
        {
            if (await store.FindArtifactAsync(input.Uri, ct) is { } recorded && artifacts.Add(recorded.Id))
            {
                frontier.Add(recorded.Id);
            }
        }
        var executions = new HashSet<long>();
        var events = new List<LineageEvent>();
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
        var recordedArtifacts = await store.GetArtifactsAsync(artifacts, ct);
        var found = run is null ? recordedArtifacts
            : [.. run.Artifacts.Where(a => recordedArtifacts.All(r => r.Uri != a.Uri)), .. recordedArtifacts];
        var runs = (await store.GetExecutionsAsync(executions, ct)).Concat(run?.Executions ?? []).ToList();
        // Events of the run's own nodes point at the recorded artifact where one has the same URI.
        var ids = found.ToDictionary(a => a.Uri, a => a.Id, StringComparer.Ordinal);
        if (run is not null)
        {
            events.AddRange(run.Events.Select(e => e with { ArtifactId = ids[run.Artifacts.First(a => a.Id == e.ArtifactId).Uri] }));
        }
        var models = found.Where(a => a.Type == ArtifactTypes.Model).Select(a => a.Uri).ToList();
        var deployed = new List<DeployedModel>();
        foreach (var endpoint in await endpoints.ListEndpointsAsync(ct))
        {
            deployed.AddRange(endpoint.Variants.Where(v => models.Contains(ArtifactUris.Model(v.ModelName, v.ModelVersion)))
                .Select(v => new DeployedModel(ArtifactUris.Model(v.ModelName, v.ModelVersion), endpoint.Name, v.Name, v.Weight)));
        }
        return new LineageGraph(uri, direction, found, [.. runs.OrderBy(e => e.StartTime)], [.. events.Distinct()],
            [.. runs.Where(e => e.RunId > 0).Select(e => e.RunId).Distinct().Order()],
            [.. found.Where(a => a.Type == ArtifactTypes.Dataset).Select(a => a.Uri).Order(StringComparer.Ordinal)],
            [.. models.Order(StringComparer.Ordinal)], deployed);
    }

    /// <summary>
    /// A model version's tracking run as one execution of the graph: it read the run's datasets and
    /// made the version. Its nodes have negative ids (they are not stored); null when the version
    /// has no run (or the run was purged).
    /// </summary>
    private async Task<RunNodes?> FromRunAsync(
        string uri, string name, long version, CancellationToken ct)
    {
        ModelVersion found;
        Run made;
        try
        {
            found = await registry.GetVersionAsync(name, version, ct);
            if (found.RunId is not { } id)
            {
                return null;
            }
            made = await tracking.GetRunAsync(id, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
        var parameters = new JsonObject();
        foreach (var p in made.Params)
        {
            parameters[p.Key] = p.Value;
        }
        var source = made.Tags.FirstOrDefault(t => t.Key == "gyre.source")?.Value ?? "run";
        var execution = new LineageExecution(-1, 0, "", made.RunName, source, made.Status.ToString().ToLowerInvariant(), "", parameters, null,
            made.StartTime, made.EndTime ?? made.StartTime, made.RunId.Value);
        var artifacts = new List<LineageArtifact> { new(-1, ArtifactTypes.Model, uri, "", found.CreationTime) };
        var events = new List<LineageEvent> { new(-1, -1, LineageEvent.Output, "model") };
        foreach (var input in made.Inputs)
        {
            var datasetUri = input.TryDatasetVersion() is var (dataset, v) ? ArtifactUris.Dataset(dataset, v) : $"dataset:{input.Name}";
            var id = -2 - artifacts.Count;
            artifacts.Add(new LineageArtifact(id, ArtifactTypes.Dataset, datasetUri, input.Digest, made.StartTime));
            events.Add(new LineageEvent(-1, id, LineageEvent.Input, input.Context ?? "dataset"));
        }
        return new RunNodes(artifacts, [execution], events);
    }

    /// <summary>The nodes a tracking run stands in with: the version and its datasets, the run as an execution, and their events.</summary>
    private sealed record RunNodes(IReadOnlyList<LineageArtifact> Artifacts, IReadOnlyList<LineageExecution> Executions, IReadOnlyList<LineageEvent> Events);
}

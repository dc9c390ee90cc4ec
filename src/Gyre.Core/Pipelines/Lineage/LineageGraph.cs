namespace Gyre.Core.Pipelines.Lineage;

/// <summary>
/// The part of the lineage graph reached from <c>Root</c> walking <c>Direction</c> (upstream: what
/// it was made from; downstream: what was made from it), and what people ask of it: the pipeline
/// runs, the datasets, and (downstream) the models and the endpoints serving them.
/// </summary>
public sealed record LineageGraph(
    string Root,
    string Direction,
    IReadOnlyList<LineageArtifact> Artifacts,
    IReadOnlyList<LineageExecution> Executions,
    IReadOnlyList<LineageEvent> Events,
    IReadOnlyList<long> Runs,
    IReadOnlyList<string> Datasets,
    IReadOnlyList<string> Models,
    IReadOnlyList<DeployedModel> Deployed);

/// <summary>A model version in the graph that an endpoint serves, with the variant serving it.</summary>
public sealed record DeployedModel(string Model, string Endpoint, string Variant, int Weight);

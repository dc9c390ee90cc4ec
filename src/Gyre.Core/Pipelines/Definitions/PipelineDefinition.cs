using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// A checked pipeline file with its parameters substituted: steps in file order, each with its
/// typed <c>with</c> values; the triggers that start it by themselves and what to do when one
/// fires while a run is going (<see cref="ConcurrencyPolicies"/>).
/// </summary>
public sealed record PipelineDefinition(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, JsonNode?> Params,
    IReadOnlyList<PipelineStep> Steps,
    PipelineTriggers Triggers,
    string Concurrency,
    int MaxParallel)
{
    public const int DefaultMaxParallel = 2;

    public PipelineStep Step(string id) => Steps.First(s => s.Id == id);
}

using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Core.Pipelines;

/// <summary>A stored pipeline as the API shows it: the file and its digest, the steps as a graph, the triggers and where they stand.</summary>
public sealed record PipelineInfo(
    string Name,
    string Digest,
    string? Description,
    string? Directory,
    IReadOnlyList<StepInfo> Steps,
    PipelineTriggers Triggers,
    TriggerState TriggerState,
    string Concurrency,
    int MaxParallel,
    long CreationTime,
    long LastUpdateTime,
    string Yaml)
{
    public static PipelineInfo Of(StoredPipeline stored, PipelineDefinition definition) => new(
        stored.Name, stored.Digest, definition.Description, stored.Directory,
        [.. definition.Steps.Select(s => new StepInfo(s.Id, s.Uses, s.Needs))], definition.Triggers, stored.Triggers,
        definition.Concurrency, definition.MaxParallel, stored.CreationTime, stored.LastUpdateTime, stored.Yaml);
}

/// <summary>A step as a node of the pipeline's graph.</summary>
public sealed record StepInfo(string Id, string Uses, IReadOnlyList<string> Needs);

using Gyre.Core.Pipelines.Steps;

namespace Gyre.Core.Pipelines.Lineage;

/// <summary>The lineage graph: artifacts (one per URI), executions, and the events that link them.</summary>
public interface ILineageStore
{
    /// <summary>Records an execution with its input and output artifacts in one transaction; artifacts are found or added by URI.</summary>
    Task<long> RecordAsync(LineageExecution execution, IReadOnlyList<PipelineArtifact> inputs, IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct);

    Task<LineageArtifact?> FindArtifactAsync(string uri, CancellationToken ct);

    /// <summary>The events of kind <paramref name="kind"/> that touch any of the artifacts.</summary>
    Task<IReadOnlyList<LineageEvent>> EventsOfArtifactsAsync(IReadOnlyCollection<long> artifacts, string kind, CancellationToken ct);

    /// <summary>The events of kind <paramref name="kind"/> of any of the executions.</summary>
    Task<IReadOnlyList<LineageEvent>> EventsOfExecutionsAsync(IReadOnlyCollection<long> executions, string kind, CancellationToken ct);

    Task<IReadOnlyList<LineageArtifact>> GetArtifactsAsync(IReadOnlyCollection<long> ids, CancellationToken ct);

    Task<IReadOnlyList<LineageExecution>> GetExecutionsAsync(IReadOnlyCollection<long> ids, CancellationToken ct);
}

using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// A kind of step a pipeline file can use, by <see cref="Name"/>. It declares its parameters (the
/// file is checked against them before anything runs), names the artifacts it reads (they and its
/// parameters make its cache key) and runs.
/// </summary>
public interface IStepType
{
    string Name { get; }

    IReadOnlyList<StepParameter> Parameters { get; }

    /// <summary>Changes when the step's behaviour changes, so that cached outputs of older code are not reused.</summary>
    string CodeVersion { get; }

    /// <summary>False for steps whose effect is the point (deploy) or whose input is looked up fresh each time (ingest of <c>NAME@latest</c>).</summary>
    bool Cacheable(JsonObject with);

    /// <summary>Rules between parameters that their kinds cannot say (one of two required, a range); every problem, not the first.</summary>
    IReadOnlyList<string> Check(JsonObject with) => [];

    /// <summary>The artifacts this step reads: from steps before it, or files it hashes. They go into the cache key and the lineage.</summary>
    Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct);

    Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct);

    /// <summary>
    /// Values the step takes from outside its <c>with</c> — the pipeline's <c>label</c> parameter, the
    /// pipeline's name as the model's — so that they go into the cache key too.
    /// </summary>
    JsonObject Implicit(StepContext context) => [];

    /// <summary>Redoes a cached execution's cheap, idempotent effects (an alias pointed at the registered version).</summary>
    Task ReapplyAsync(StepContext context, IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Whether cached outputs are still there to be reused (a deleted model version, a changed file are not).</summary>
    Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct);
}

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// What a step made. <c>StopReason</c> set means the steps that need this one must not run (a gate
/// the candidate did not pass): they are skipped with that reason, and the run still succeeds.
/// </summary>
public sealed record StepResult(IReadOnlyList<PipelineArtifact> Outputs, string? Summary = null, string? StopReason = null);

using Gyre.Core.Pipelines.Steps;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>A successful execution's outputs under its cache key, and where they were made.</summary>
public sealed record CachedStep(string Key, IReadOnlyList<PipelineArtifact> Outputs, long RunId, string StepId, string? Summary, string? StopReason, long CreationTime);

using Gyre.Core.Pipelines.Steps;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// A step within a run: its state (<see cref="StepStates"/>), attempts made, times, the artifacts
/// it read and made, the cache key it ran under, a one-line summary and the last error.
/// </summary>
public sealed record StepRun(
    string Id,
    string Uses,
    string State,
    int Attempts = 0,
    long? StartTime = null,
    long? EndTime = null,
    IReadOnlyList<PipelineArtifact>? Inputs = null,
    IReadOnlyList<PipelineArtifact>? Outputs = null,
    string? CacheKey = null,
    string? Summary = null,
    string? Error = null,
    string? StopReason = null)
{
    public bool Done => State is StepStates.Succeeded or StepStates.Cached;
}

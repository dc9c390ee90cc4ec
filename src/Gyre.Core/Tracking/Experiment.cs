namespace Gyre.Core.Tracking;

/// <summary>A named group of runs. Times are milliseconds since the Unix epoch.</summary>
public sealed record Experiment(
    ExperimentId ExperimentId,
    string Name,
    string ArtifactLocation,
    LifecycleStage LifecycleStage,
    long CreationTime,
    long LastUpdateTime,
    IReadOnlyList<Tag> Tags);

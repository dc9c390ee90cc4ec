namespace Gyre.Core.Tracking;

/// <summary>
/// A run with its params, the latest value of each metric, its tags and its dataset inputs.
/// Times are milliseconds since the Unix epoch.
/// </summary>
public sealed record Run(
    RunId RunId,
    ExperimentId ExperimentId,
    string RunName,
    RunStatus Status,
    long StartTime,
    long? EndTime,
    LifecycleStage LifecycleStage,
    RunId? ParentRunId,
    string ArtifactUri,
    IReadOnlyList<Param> Params,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<DatasetInput> Inputs);

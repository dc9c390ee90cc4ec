namespace Gyre.Core.Tracking;

/// <summary>What a new run starts with. A missing name gets a generated one.</summary>
public sealed record NewRun(
    ExperimentId ExperimentId,
    string? RunName = null,
    RunId? ParentRunId = null,
    long? StartTime = null,
    IReadOnlyList<Tag>? Tags = null);

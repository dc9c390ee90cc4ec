namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// Where a pipeline's triggers stand, saved so that a restart neither misses nor repeats one: when
/// the schedule was last checked, the newest dataset version seen, since when feedback is counted,
/// and how many firings were skipped because a run was going.
/// </summary>
public sealed record TriggerState(long LastCheck, long? DatasetVersion = null, long? FeedbackSince = null, int Skipped = 0, string? LastSkip = null);

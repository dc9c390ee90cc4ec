namespace Gyre.Core.Tracking;

/// <summary>A change to a run's status, end time or name; absent members stay as they are.</summary>
public sealed record RunUpdate(RunStatus? Status = null, long? EndTime = null, string? RunName = null);

namespace Gyre.Core.Pipelines.Runs;

/// <summary>What started a run (<see cref="TriggerTypes"/>) and the evidence: the schedule, the new dataset version, the alert.</summary>
public sealed record RunTrigger(string Type, string? Detail = null);

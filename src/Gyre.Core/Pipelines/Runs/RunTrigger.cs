namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// What started a run (<see cref="TriggerTypes"/>) and the evidence: the schedule, the new dataset
/// version, the alert. A run started by a drift alarm carries the <see cref="DriftAlarm"/> it
/// answers, so its steps read the evidence from the run rather than looking for it again.
/// </summary>
public sealed record RunTrigger(string Type, string? Detail = null, DriftAlarm? Drift = null);

/// <summary>
/// A drift alarm as a run records it: the endpoint, the window that raised the alarm and its time
/// range [Start, End), and the features that drifted in it. The window is the one in which the
/// drift was confirmed (the last of the drifted windows in a row that the monitor needs), so its
/// rows are from the world after the change. For a sequential alarm (a creep), Start is earlier:
/// the start of the window where the detector estimates the change began.
/// </summary>
public sealed record DriftAlarm(string Endpoint, long Window, long Start, long End, IReadOnlyList<string> Columns);

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// What an action did: <c>Ok</c>, and a detail (the pipeline run started, the webhook's status, the
/// error). A webhook is delivered after the firing is recorded: until then it is <c>Pending</c>.
/// </summary>
public sealed record ActionOutcome(string Kind, string? Target, bool Ok, string Detail, bool Pending = false);

namespace Gyre.Core.Monitoring.Policies;

/// <summary>A policy that fired: when, the evidence that made it fire, and what each action did.</summary>
public sealed record PolicyFiring(long Id, string Policy, string Endpoint, long Time, IReadOnlyList<string> Evidence, IReadOnlyList<ActionOutcome> Actions);

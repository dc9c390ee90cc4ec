namespace Gyre.Core.Pipelines;

/// <summary>
/// <c>POST /api/v1/pipelines/{name}/runs</c>: parameter values for this run (converted to the
/// declared parameters' types), <c>NoCache</c> to run every step, and what started it —
/// <c>manual</c> (default) or <c>alert</c>, with a detail saying which.
/// </summary>
public sealed record StartRunRequest(IReadOnlyDictionary<string, string>? Params = null, bool NoCache = false, string? Trigger = null, string? Detail = null);

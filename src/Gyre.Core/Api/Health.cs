namespace Gyre.Core.Api;

/// <summary>
/// The answer of <c>/healthz</c> and <c>/readyz</c>. <c>/readyz</c> adds this replica's roles and,
/// when something is wrong but the replica still serves (a gateway whose routing table cannot be
/// checked against the database), what and since when in <c>details</c>.
/// </summary>
public sealed record Health(string Status, string Version, string? Roles = null, IReadOnlyDictionary<string, string>? Details = null);

namespace Gyre.Core.Data.Bias;

/// <summary>
/// What to measure bias on: the <c>Sensitive</c> column (default: the schema's column with role
/// <c>sensitive</c>), the <c>Label</c> (default: the schema's label), its <c>Favourable</c> value
/// (default <c>true</c> or <c>1</c> for a two-valued label that has it), and optionally one
/// <c>Facet</c> (a value of the sensitive column) instead of every value.
/// </summary>
public sealed record BiasRequest(string? Sensitive = null, string? Label = null, string? Favourable = null, string? Facet = null);

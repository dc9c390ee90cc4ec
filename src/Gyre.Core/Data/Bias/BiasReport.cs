namespace Gyre.Core.Data.Bias;

/// <summary>
/// Bias metrics of <c>Data</c> (a dataset version) by <c>Sensitive</c>, for the <c>Favourable</c> value
/// of <c>Label</c>: one entry per value of the sensitive column, each against all the others. Rows
/// missing the sensitive value or the label are left out (<c>ExcludedRows</c>).
/// </summary>
public sealed record BiasReport(string Data, string Sensitive, string Label, string Favourable, long Rows, long ExcludedRows, IReadOnlyList<FacetBias> Facets);

namespace Gyre.Core.Data.Reference;

/// <summary>
/// What drift tests need of one reference column, so that they never read the raw data again.
/// Numeric columns: moments (<c>Stddev</c> is the population one, n), <c>Quantiles</c> on the grid of
/// <see cref="ReferenceSettings.QuantilePoints"/> (exact, linear interpolation, unless
/// <c>QuantilesApproximate</c>), every value sorted in <c>Values</c> when there are at most
/// <see cref="ReferenceSettings.ExactMaxValues"/>, and decile <c>Bins</c> for PSI. Discrete columns
/// (and numeric ones with few distinct values): <c>Counts</c> per value, the rest pooled in <c>OtherCount</c>.
/// </summary>
public sealed record ColumnReference(
    string Name,
    ColumnType Type,
    long Count,
    long Missing,
    long Distinct,
    double? Mean = null,
    double? Stddev = null,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<double>? Quantiles = null,
    bool QuantilesApproximate = false,
    IReadOnlyList<double>? Values = null,
    IReadOnlyList<HistogramBin>? Bins = null,
    IReadOnlyList<ValueCount>? Counts = null,
    long OtherCount = 0);

namespace Gyre.Core.Data;

/// <summary>
/// The statistics of one column. <c>Count</c> is the non-missing values. For numeric columns:
/// min, max, mean, the sample standard deviation (<c>Stddev</c>, n − 1, as pandas) and the
/// population one (<c>StddevPopulation</c>, n, as NumPy's default), quantiles (exact, with linear
/// interpolation as NumPy's default method, unless <c>QuantilesApproximate</c> says they came from
/// a T-Digest on a large column) and an equal-width histogram. For datetime columns the first and
/// last values; for the others the most frequent values. <c>Distinct</c> is exact unless
/// <c>DistinctApproximate</c> says it came from a HyperLogLog sketch (large columns).
/// </summary>
public sealed record ColumnProfile(
    string Name,
    ColumnType Type,
    long Count,
    long Missing,
    long Distinct,
    bool DistinctApproximate,
    double? Min = null,
    double? Max = null,
    double? Mean = null,
    double? Stddev = null,
    double? StddevPopulation = null,
    IReadOnlyDictionary<string, double>? Quantiles = null,
    IReadOnlyList<HistogramBin>? Histogram = null,
    IReadOnlyList<ValueCount>? TopValues = null,
    string? First = null,
    string? Last = null,
    bool QuantilesApproximate = false);

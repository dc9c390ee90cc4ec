namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The outcome of a comparison: per column the test used, its statistic, the p-value where the test
/// has one, the threshold and whether it drifted; the share of drifted columns, and whether the data
/// set drifted (that share at least <c>ShareThreshold</c>).
/// </summary>
public sealed record DriftReport(
    string Reference,
    string Current,
    IReadOnlyList<ColumnDrift> Columns,
    int DriftedColumns,
    double DriftedShare,
    double ShareThreshold,
    bool DatasetDrift);

/// <summary>One column's drift: <c>Statistic</c> is infinite when a value appears that the reference never had (chi-square).</summary>
public sealed record ColumnDrift(
    string Column,
    string Type,
    string Test,
    double Statistic,
    double? PValue,
    double Threshold,
    bool Drifted,
    long ReferenceCount,
    long CurrentCount,
    bool Exact);

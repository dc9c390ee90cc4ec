namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// <c>POST /api/v1/drift</c>: compare <c>Current</c> with <c>Reference</c> (dataset versions; version
/// null or 0 is the latest). <c>Columns</c> limits the comparison to these columns (default: every
/// column of the reference statistics that the current data has). <c>Tests</c> sets a column's
/// test by name, <c>Thresholds</c> its threshold; <c>Share</c> is the share of drifted columns at
/// which the data set drifts (0.5).
/// </summary>
public sealed record DriftRequest(
    DatasetSide? Reference,
    DatasetSide? Current,
    IReadOnlyList<string>? Columns = null,
    IReadOnlyDictionary<string, string>? Tests = null,
    IReadOnlyDictionary<string, double>? Thresholds = null,
    double? Share = null);

/// <summary>A dataset version on one side of a comparison.</summary>
public sealed record DatasetSide(string? Dataset, long? Version = null);

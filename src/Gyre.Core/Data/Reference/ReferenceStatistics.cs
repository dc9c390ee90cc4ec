namespace Gyre.Core.Data.Reference;

/// <summary>
/// The reference statistics of a version: one entry per feature or label column (columns with the
/// roles id, timestamp and ignore are left out, and so are free-text and datetime columns).
/// Computed once and kept with the version.
/// </summary>
public sealed record ReferenceStatistics(string Dataset, long Version, long Rows, IReadOnlyList<ColumnReference> Columns);

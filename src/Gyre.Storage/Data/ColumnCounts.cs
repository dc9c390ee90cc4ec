namespace Gyre.Storage.Data;

/// <summary>A column's non-missing count, missing count and distinct count (approximate on large tables).</summary>
internal readonly record struct ColumnCounts(long Count, long Missing, long Distinct);

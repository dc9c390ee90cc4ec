namespace Gyre.Core.Data;

/// <summary>The statistics of a dataset version: per data set, and per column.</summary>
public sealed record DatasetProfile(long Rows, long DuplicateRows, IReadOnlyList<ColumnProfile> Columns);

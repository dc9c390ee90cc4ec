namespace Gyre.Core.Data;

/// <summary>
/// The statistics of a dataset version: per data set, and per column. Above
/// <see cref="ProfileSettings.ExactMaxRows"/> rows, duplicate rows are counted by a 64-bit hash of
/// each row (a collision, which would hide one duplicate, has a chance under 1e-7 at a million rows).
/// </summary>
public sealed record DatasetProfile(long Rows, long DuplicateRows, IReadOnlyList<ColumnProfile> Columns);

namespace Gyre.Core.Data;

/// <summary>What reading a dataset file found: its rows, its columns, and its profile.</summary>
public sealed record DatasetFile(long Rows, IReadOnlyList<ColumnSchema> Columns, DatasetProfile Profile);

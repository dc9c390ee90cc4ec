namespace Gyre.Core.Data;

/// <summary>What reading a dataset file found: its rows and columns.</summary>
public sealed record DatasetFile(long Rows, IReadOnlyList<ColumnSchema> Columns);

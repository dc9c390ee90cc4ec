namespace Gyre.Core.Data;

/// <summary>
/// Reads a CSV or Parquet file for its rows, inferred schema and profile. Bad files are
/// <see cref="Errors.GyreException"/>s with code invalid_argument whose message says what and where.
/// </summary>
public interface IDatasetReader
{
    /// <summary>Reads the file; <paramref name="domains"/> are columns whose values must lie in a declared set, and the others are counted.</summary>
    Task<DatasetFile> InspectAsync(string path, DatasetFormat format, ReadOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<string>> domains, CancellationToken ct);

    /// <summary>
    /// The first row of a CSV file whose <paramref name="column"/> holds a value that does not read as
    /// <paramref name="wanted"/> (a number, a boolean, a time): its line (the header is line 1) and the
    /// value; null when every value reads, or for a type every value is (a category, a text).
    /// </summary>
    Task<(long Line, string Value)?> FirstMisfitAsync(string path, string column, ColumnType wanted, CancellationToken ct);
}

namespace Gyre.Core.Data.Splits;

/// <summary>Writes the parts of a split of a stored file as Parquet files, rows in their original order.</summary>
public interface IDatasetSplitter
{
    /// <summary>
    /// Assigns every row to a part as <paramref name="spec"/> (already normalised) says and writes
    /// each part; invalid_argument when the data cannot be split so (a part would be empty, a key
    /// or time is missing).
    /// </summary>
    Task<SplitFiles> SplitAsync(string path, DatasetVersion version, SplitSpec spec, CancellationToken ct);
}

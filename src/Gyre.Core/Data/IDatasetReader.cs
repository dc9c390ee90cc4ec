namespace Gyre.Core.Data;

/// <summary>
/// Reads a CSV or Parquet file for its rows and inferred schema. Bad files are
/// <see cref="Errors.GyreException"/>s with code invalid_argument whose message says what and where.
/// </summary>
public interface IDatasetReader
{
    Task<DatasetFile> InspectAsync(string path, DatasetFormat format, CancellationToken ct);
}

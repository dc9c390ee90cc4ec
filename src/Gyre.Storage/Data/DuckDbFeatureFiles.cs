using Gyre.Core.Data;
using Gyre.Core.Models;

namespace Gyre.Storage.Data;

/// <summary>
/// Data files for batch scoring, read and written by DuckDB: it streams the rows in file order
/// and spills to <paramref name="spillRoot"/> past its memory limit.
/// </summary>
public sealed class DuckDbFeatureFiles(string spillRoot) : IFeatureFiles
{
    public IFeatureFile Open(string path, DatasetFormat format, CancellationToken ct) => DuckDbFeatureFile.Open(spillRoot, path, format, ct);
}

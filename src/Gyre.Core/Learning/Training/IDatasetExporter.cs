using Gyre.Core.Data;

namespace Gyre.Core.Learning.Training;

/// <summary>Writes columns of a stored version as a CSV a trainer reads: the label first (as class indices when classes are given), then the features.</summary>
public interface IDatasetExporter
{
    Task ExportAsync(string path, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features, string outputPath, CancellationToken ct);

    /// <summary>The distinct non-missing values of a column, as text, sorted (at most <paramref name="limit"/>); and how many rows miss it.</summary>
    Task<(IReadOnlyList<string> Values, long Missing)> DistinctAsync(string path, DatasetVersion version, string column, int limit, CancellationToken ct);
}

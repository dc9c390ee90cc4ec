using Gyre.Core.Data;

namespace Gyre.Core.Learning.Training;

/// <summary>
/// Writes columns of a stored version as a CSV a trainer reads: the label first as
/// <see cref="LabelColumn"/> (class indices when classes are given; "true"/"false" for two), then the
/// features under their names; or, for permutation importance, with one feature's values shuffled
/// across rows (seeded).
/// </summary>
public interface IDatasetExporter
{
    const string LabelColumn = "gyre_label";

    Task ExportAsync(string path, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features, string outputPath,
        CancellationToken ct);

    /// <summary>One export per feature in <paramref name="permuted"/>, each with that feature shuffled (seeded); the version is read once.</summary>
    Task ExportPermutedAsync(string path, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features,
        IReadOnlyList<(string Feature, string OutputPath)> permuted, int seed, CancellationToken ct);

    /// <summary>Every column of a stored version, as it was read, to a CSV file with a header (for programs that read no Parquet).</summary>
    Task ExportCsvAsync(string path, DatasetVersion version, string outputPath, CancellationToken ct);

    /// <summary>Columns of a stored version as text, in row order (the order of the exports).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string?>>> ColumnsAsync(string path, DatasetVersion version, IReadOnlyList<string> columns, CancellationToken ct);

    /// <summary>The distinct non-missing values of a column, as text, sorted (at most <paramref name="limit"/>); and how many rows miss it.</summary>
    Task<(IReadOnlyList<string> Values, long Missing)> DistinctAsync(string path, DatasetVersion version, string column, int limit, CancellationToken ct);
}

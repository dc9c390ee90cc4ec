using Gyre.Core.Data;

namespace Gyre.Core.Models;

/// <summary>Opens data files (CSV or Parquet) for batch scoring.</summary>
public interface IFeatureFiles
{
    /// <summary>Opens a file; invalid_argument naming <c>input</c> when it is not readable as its format. Cancelling interrupts its reads.</summary>
    IFeatureFile Open(string path, DatasetFormat format, CancellationToken ct);
}

/// <summary>An open data file: its rows read as feature batches, in file order, and written out again with predictions beside them.</summary>
public interface IFeatureFile : IDisposable
{
    /// <summary>The file's column names, as its header or schema gives them.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// The rows as batches of at most <paramref name="rows"/>, each column as the model reads it: a
    /// number (NaN where missing or not a number) or a text (null where missing). Batches are
    /// numbered from row 1 (<see cref="FeatureBatch.FirstRow"/>).
    /// </summary>
    IEnumerable<FeatureBatch> Read(IReadOnlyList<ModelInput> inputs, int rows);

    /// <summary>A column's values as text, in file order.</summary>
    IReadOnlyList<string?> Texts(string column);

    /// <summary>Writes every column of the file and, beside each row, its scores (one column per name) and, when given, its label.</summary>
    void WriteScored(ScoredColumns scores, string output, DatasetFormat format);
}

/// <summary>The columns a scorer adds to a file: numbers under <paramref name="Names"/>, one array per row, and optionally a text per row under <paramref name="LabelName"/>.</summary>
public sealed record ScoredColumns(IReadOnlyList<string> Names, IReadOnlyList<double[]> Rows, string? LabelName = null, IReadOnlyList<string>? Labels = null);

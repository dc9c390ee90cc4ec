using Gyre.Core.Data;

namespace Gyre.Core.Models;

/// <summary>Scores every row of a data file with a model package (checked by its checksum) and reads columns beside the predictions.</summary>
public interface IModelScorer
{
    /// <summary>Per row, in file order: the prediction (P(positive), class probabilities or a value), and the text of each named column.</summary>
    Task<(IReadOnlyList<double[]> Predictions, IReadOnlyDictionary<string, IReadOnlyList<string?>> Columns)> PredictAsync(
        ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, IReadOnlyList<string> columns, CancellationToken ct);
}

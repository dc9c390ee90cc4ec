using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Errors;

namespace Gyre.Core.Models;

/// <summary>
/// Scores a CSV or Parquet file with a model package, through the same runtime that serves the
/// package's endpoints, and writes the input's rows with the predictions beside them, CSV or
/// Parquet. Output columns: <c>probability</c> and <c>predicted_label</c> (binary),
/// <c>probability_CLASS</c> per class and <c>predicted_label</c> (multiclass), <c>prediction</c>
/// (regression), <c>score_0</c>… when the task is unknown.
/// </summary>
public sealed class BatchScorer(IModelRuntime runtime, IFeatureFiles files) : IModelScorer
{
    /// <summary>Rows per call of the model: big enough that a call's overhead vanishes, small enough to stay in cache.</summary>
    public const int BatchRows = 8192;

    public Task<long> ScoreAsync(ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, string output, DatasetFormat outputFormat, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var file = files.Open(input, inputFormat, ct);
            var predictions = Predict(file, package, model, ct);
            var width = predictions.Count > 0 ? predictions[0].Length : 1;
            var labels = package.Classes is { Count: >= 2 } classes && package.Task is ModelTasks.Binary or ModelTasks.Multiclass ? classes : null;
            file.WriteScored(new ScoredColumns(OutputNames(package, width), predictions,
                labels is null ? null : "predicted_label", labels is null ? null : [.. predictions.Select(p => PredictedLabel(p, labels))]), output, outputFormat);
            return (long)predictions.Count;
        }, ct);

    /// <summary>The predictions for every row of a file, with the text of some of its columns (a label, a slice), in row order.</summary>
    public Task<(IReadOnlyList<double[]> Predictions, IReadOnlyDictionary<string, IReadOnlyList<string?>> Columns)> PredictAsync(
        ModelPackage package, byte[] model, string input, DatasetFormat inputFormat, IReadOnlyList<string> columns, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var file = files.Open(input, inputFormat, ct);
            var predictions = Predict(file, package, model, ct);
            var texts = columns.ToDictionary(c => c, file.Texts);
            return ((IReadOnlyList<double[]>)predictions, (IReadOnlyDictionary<string, IReadOnlyList<string?>>)texts);
        }, ct);

    private List<double[]> Predict(IFeatureFile file, ModelPackage package, byte[] model, CancellationToken ct)
    {
        var present = file.Columns.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = package.FeatureColumns.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw GyreException.Invalid($"input: {string.Join(", ", missing.Select(c => $"'{c}'"))} missing; the model needs the columns {string.Join(", ", package.FeatureColumns)}");
        }
        using var predictor = runtime.Load(package, model);
        var predictions = new List<double[]>();
        foreach (var batch in file.Read(predictor.Inputs, BatchRows))
        {
            try
            {
                predictions.AddRange(predictor.Predict(batch));
            }
            catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
            {
                throw GyreException.Invalid($"input: {e.Message}");
            }
            ct.ThrowIfCancellationRequested();
        }
        return predictions;
    }

    private static string PredictedLabel(double[] p, IReadOnlyList<string> labels) =>
        p.Length == 1 ? (p[0] >= 0.5 ? labels[1] : labels[0]) : labels[Array.IndexOf(p, p.Max())];

    private static List<string> OutputNames(ModelPackage package, int width) => package.Task switch
    {
        ModelTasks.Binary when width == 1 => ["probability"],
        ModelTasks.Regression => ["prediction"],
        ModelTasks.Binary or ModelTasks.Multiclass when package.Classes is { } classes && classes.Count == width => [.. classes.Select(c => $"probability_{c}")],
        _ => [.. Enumerable.Range(0, width).Select(i => $"score_{i.ToString(CultureInfo.InvariantCulture)}")],
    };
}

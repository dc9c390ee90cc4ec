using System.Text.Json;
using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// A regression's MAE and RMSE over labelled predictions, as logged; or a classifier's: accuracy always; precision,
/// recall and F1 once the positive class is known (the label answered for a score at or above the
/// threshold); ROC AUC when the answers carry probabilities.
/// </summary>
public static class RealizedMetrics
{
    public static RealizedPerformance? Of(IReadOnlyList<LabelledPrediction> rows)
    {
        var answers = new List<(string Label, string Truth, double? Probability, double? Score)>();
        var errors = new List<double>();
        foreach (var row in rows)
        {
            using var output = JsonDocument.Parse(row.Outputs);
            using var actual = JsonDocument.Parse(row.Actual);
            if (output.RootElement.ValueKind == JsonValueKind.Number && actual.RootElement.ValueKind == JsonValueKind.Number)
            {
                errors.Add(output.RootElement.GetDouble() - actual.RootElement.GetDouble());
            }
            else if (output.RootElement is { ValueKind: JsonValueKind.Object } answer && answer.TryGetProperty("label", out var label) && label.GetString() is { } text)
            {
                var truth = actual.RootElement.ValueKind == JsonValueKind.String ? actual.RootElement.GetString()! : actual.RootElement.GetRawText();
                double? Number(string name) => answer.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
                answers.Add((text, truth, Number("probability"), Number("score")));
            }
        }
        if (errors.Count > 0)
        {
            return new RealizedPerformance(errors.Count, new Dictionary<string, double> { ["mae"] = errors.Average(Math.Abs), ["rmse"] = Math.Sqrt(errors.Average(e => e * e)) });
        }
        if (answers.Count == 0)
        {
            return null;
        }
        var metrics = new Dictionary<string, double> { ["accuracy"] = answers.Count(a => a.Label == a.Truth) / (double)answers.Count };
        var positive = answers.FirstOrDefault(a => a.Probability >= 0.5 || a.Score >= 0).Label;
        if (positive is not null)
        {
            double tp = answers.Count(a => a.Label == positive && a.Truth == positive);
            double fp = answers.Count(a => a.Label == positive && a.Truth != positive);
            double fn = answers.Count(a => a.Label != positive && a.Truth == positive);
            Put(metrics, "precision", tp / (tp + fp));
            Put(metrics, "recall", tp / (tp + fn));
            Put(metrics, "f1", 2 * tp / ((2 * tp) + fp + fn));
            if (answers.All(a => a.Probability is >= 0 and <= 1))
            {
                Put(metrics, "roc_auc", Metrics.Binary([.. answers.Select(a => a.Truth == positive)], [.. answers.Select(a => a.Probability!.Value)]).Auc);
            }
        }
        return new RealizedPerformance(answers.Count, metrics);
    }

    private static void Put(Dictionary<string, double> metrics, string name, double value)
    {
        if (double.IsFinite(value))
        {
            metrics[name] = value;
        }
    }
}

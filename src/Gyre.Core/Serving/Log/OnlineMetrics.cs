using System.Text.Json;

namespace Gyre.Core.Serving.Log;

/// <summary>A variant's online metric from its predictions joined with feedback.</summary>
public sealed record VariantOnlineMetric(string Variant, string? Metric, double? Value, int Labelled);

/// <summary>
/// Online quality from the prediction log joined with feedback, per variant: accuracy for
/// classifiers (the answered label against the actual) and RMSE for regressions (the answered
/// value against the actual number), told apart by the shape of the logged answer.
/// </summary>
public static class OnlineMetrics
{
    public const string Accuracy = "accuracy";
    public const string Rmse = "rmse";

    public static IReadOnlyList<VariantOnlineMetric> PerVariant(IEnumerable<LabelledPrediction> rows) =>
        [.. rows.GroupBy(r => r.Variant).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Of(g.Key, g))];

    public static VariantOnlineMetric Of(string variant, IEnumerable<LabelledPrediction> rows)
    {
        int correct = 0, labels = 0, values = 0;
        var squares = 0.0;
        foreach (var row in rows)
        {
            using var output = JsonDocument.Parse(row.Outputs);
            using var actual = JsonDocument.Parse(row.Actual);
            var answer = output.RootElement;
            var truth = actual.RootElement;
            if (answer.ValueKind == JsonValueKind.Number && truth.ValueKind == JsonValueKind.Number)
            {
                squares += Math.Pow(answer.GetDouble() - truth.GetDouble(), 2);
                values++;
            }
            else if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("label", out var label))
            {
                labels++;
                var text = truth.ValueKind == JsonValueKind.String ? truth.GetString() : truth.GetRawText();
                correct += label.GetString() == text ? 1 : 0;
            }
        }
        return values > 0 ? new VariantOnlineMetric(variant, Rmse, Math.Sqrt(squares / values), values)
            : labels > 0 ? new VariantOnlineMetric(variant, Accuracy, correct / (double)labels, labels)
            : new VariantOnlineMetric(variant, null, null, 0);
    }
}

using System.Text.Json;

namespace Gyre.Core.Serving.Log;

/// <summary>A variant's online metric from its predictions joined with feedback.</summary>
public sealed record VariantOnlineMetric(string Variant, string? Metric, double? Value, int Labelled);

/// <summary>One window of prediction time [Start, End) with each variant's online metric.</summary>
public sealed record OnlineWindow(long Start, long End, IReadOnlyList<VariantOnlineWindow> Variants);

/// <summary>A variant in a window: its metric over the predictions labelled so far, and how many predictions it answered.</summary>
public sealed record VariantOnlineWindow(string Variant, string? Metric, double? Value, int Labelled, long Predictions);

/// <summary>
/// Online quality from the prediction log joined with feedback, per variant: accuracy for
/// classifiers (the answered label against the actual) and RMSE for regressions (the answered
/// value against the actual number), told apart by the shape of the logged answer.
/// </summary>
public static class OnlineMetrics
{
    public const string Accuracy = "accuracy";
    public const string Rmse = "rmse";

    /// <summary>
    /// The metric per variant in tumbling windows of prediction time. A window's figures are computed
    /// when asked, from the feedback that has arrived by then: a label that comes late counts in the
    /// window of its prediction, and <c>Predictions</c> beside <c>Labelled</c> shows how much is still missing.
    /// </summary>
    public static IReadOnlyList<OnlineWindow> Windows(IEnumerable<LabelledPrediction> rows, IEnumerable<(long Window, string Variant, long Predictions)> counts, long since, long windowMs)
    {
        var labelled = rows.GroupBy(r => ((r.Time - since) / windowMs, r.Variant)).ToDictionary(g => g.Key, g => Of(g.Key.Variant, g));
        return [.. counts.GroupBy(c => c.Window).OrderBy(g => g.Key).Select(g => new OnlineWindow(since + (g.Key * windowMs), since + ((g.Key + 1) * windowMs),
            [.. g.OrderBy(c => c.Variant, StringComparer.Ordinal).Select(c => labelled.GetValueOrDefault((g.Key, c.Variant)) is { } m
                ? new VariantOnlineWindow(c.Variant, m.Metric, m.Value, m.Labelled, c.Predictions)
                : new VariantOnlineWindow(c.Variant, null, null, 0, c.Predictions))]))];
    }

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

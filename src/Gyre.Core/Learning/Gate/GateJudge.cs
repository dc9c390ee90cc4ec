using System.Globalization;

namespace Gyre.Core.Learning.Gate;

/// <summary>MLflow's threshold semantics, as pure comparisons: each set bound is one check with its reason.</summary>
public static class GateJudge
{
    public static List<GateCheck> Judge(IReadOnlyList<MetricThreshold> thresholds, IReadOnlyDictionary<string, double> candidate, IReadOnlyDictionary<string, double>? baseline)
    {
        var checks = new List<GateCheck>();
        foreach (var t in thresholds)
        {
            var metric = t.Metric!;
            var value = candidate[metric];
            var up = t.GreaterIsBetter ?? Evaluation.TaskMetrics.GreaterIsBetter(metric);
            var better = up ? "at least" : "at most";
            if (t.Threshold is { } threshold)
            {
                var passed = up ? value >= threshold : value <= threshold;
                checks.Add(new GateCheck("threshold", metric, passed, value, threshold, $"{metric} {F(value)} is {(passed ? "" : "not ")}{better} {F(threshold)}"));
            }
            if (baseline is null)
            {
                continue;
            }
            var champion = baseline[metric];
            if (t.MinAbsoluteChange is { } absolute)
            {
                var change = up ? value - champion : champion - value;
                var passed = change >= absolute;
                checks.Add(new GateCheck("min_absolute_change", metric, passed, value, champion,
                    $"{metric} {F(value)} against the baseline's {F(champion)}: an improvement of {F(change)}, {(passed ? "" : "less than ")}the {F(absolute)} required"));
            }
            if (t.MinRelativeChange is { } relative)
            {
                var change = champion == 0 ? (value == champion ? 0 : double.PositiveInfinity) : (up ? value - champion : champion - value) / Math.Abs(champion);
                var passed = change >= relative;
                checks.Add(new GateCheck("min_relative_change", metric, passed, value, champion,
                    $"{metric} {F(value)} against the baseline's {F(champion)}: a relative improvement of {F(change)}, {(passed ? "" : "less than ")}the {F(relative)} required"));
            }
        }
        return checks;
    }

    public static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}

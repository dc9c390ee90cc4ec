using System.Globalization;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Traffic;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// Judges a canary step, comparing the canary with the stable variant over the step's window:
/// the error rate may rise by at most <c>max_error_rate_increase</c>; p99 latency may grow to at most
/// <c>max_latency_ratio</c> times the stable's (differences under 1 ms are noise); and where both
/// sides have <c>min_labelled</c> predictions with feedback, the online metric — accuracy for a
/// classifier, RMSE for a regression — may be worse by at most <c>max_metric_drop</c> (accuracy
/// points, or RMSE relative to the stable's). A step passes only on evidence: with fewer than
/// <c>min_requests</c> canary requests, or fewer than <c>min_stable_requests</c> stable ones, the
/// verdict is <c>inconclusive</c> and the controller extends the step.
/// </summary>
public static class CanaryAnalysis
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Inconclusive = "inconclusive";

    /// <param name="now">When the analysis is made.</param>
    /// <param name="rollout">The rollout, at the step being judged.</param>
    /// <param name="stable">The stable variant's window.</param>
    /// <param name="candidate">The canary's window.</param>
    /// <param name="labelled">Predictions with feedback since the step began.</param>
    /// <param name="task">The models' task, for the online metric.</param>
    /// <remarks>
    /// At 100% the stable variant takes no traffic: the figures of the last analysis that passed on
    /// its own evidence stand in for its error rate and latency. Without one, there is nothing to
    /// compare with, and the step is inconclusive like any other.
    /// </remarks>
    public static AnalysisResult Judge(long now, Rollout rollout, TrafficCounts stable, TrafficCounts candidate, IReadOnlyList<LabelledPrediction> labelled, string? task)
    {
        var settings = rollout.Settings;
        var stableOnline = OnlineMetrics.Of(rollout.Stable.Variant, labelled.Where(l => l.Variant == rollout.Stable.Variant));
        var candidateOnline = OnlineMetrics.Of(rollout.Candidate.Variant, labelled.Where(l => l.Variant == rollout.Candidate.Variant));
        var metricName = candidateOnline.Metric ?? stableOnline.Metric;
        var comparable = task is not null && stableOnline.Metric == candidateOnline.Metric;
        var (stableMetric, candidateMetric) = comparable ? (stableOnline.Value, candidateOnline.Value) : (null, null);
        var s = Figures(stable, metricName, stableOnline.Value, stableOnline.Labelled);
        var c = Figures(candidate, metricName, candidateOnline.Value, candidateOnline.Labelled);
        if (c.Requests < settings.MinRequests)
        {
            return new AnalysisResult(now, rollout.Step, Inconclusive, s, c, [$"the canary had {c.Requests} requests in this step; the analysis needs {settings.MinRequests}"]);
        }
        var alone = RolloutPlan.CandidateWeight(rollout) == 100;
        var baseline = s.Requests >= settings.StableSample ? s
            : alone && rollout.Analyses?.LastOrDefault(a => a.Verdict == Pass && a.Stable.Requests >= settings.StableSample) is { } previous ? previous.Stable
            : null;
        if (baseline is null)
        {
            return new AnalysisResult(now, rollout.Step, Inconclusive, s, c, [alone
                ? "the stable variant takes no traffic at 100% and no earlier step measured it; nothing to compare the canary with"
                : $"the stable variant had {s.Requests} requests in this step; the analysis needs {settings.StableSample}"]);
        }
        var reasons = new List<string>();
        if (c.ErrorRate - baseline.ErrorRate > settings.MaxErrorRateIncrease)
        {
            reasons.Add($"error rate {Percent(c.ErrorRate)} against the stable's {Percent(baseline.ErrorRate)}: more than {Percent(settings.MaxErrorRateIncrease)} higher");
        }
        if (c.P99LatencyMs > baseline.P99LatencyMs * settings.MaxLatencyRatio && c.P99LatencyMs - baseline.P99LatencyMs > 1)
        {
            reasons.Add($"p99 latency {c.P99LatencyMs:0.###} ms against the stable's {baseline.P99LatencyMs:0.###} ms: more than {settings.MaxLatencyRatio}x");
        }
        if (candidateMetric is { } cm && stableMetric is { } sm && c.Labelled >= settings.MinLabelled && s.Labelled >= settings.MinLabelled)
        {
            var drop = metricName == OnlineMetrics.Rmse ? (cm - sm) / Math.Max(sm, 1e-12) : sm - cm;
            if (drop > settings.MaxMetricDrop)
            {
                reasons.Add($"online {metricName} {cm:0.####} against the stable's {sm:0.####} on {c.Labelled} and {s.Labelled} labelled predictions: worse by more than {settings.MaxMetricDrop}");
            }
        }
        var against = baseline == s ? $"{c.Requests} canary and {s.Requests} stable requests" : $"{c.Requests} canary requests and the stable's {baseline.Requests} of an earlier step";
        return new AnalysisResult(now, rollout.Step, reasons.Count == 0 ? Pass : Fail, s, c,
            reasons.Count == 0 ? [$"the canary is no worse than the stable on {against}"] : reasons);
    }

    private static VariantFigures Figures(TrafficCounts counts, string? metric, double? value, int labelled)
    {
        return new VariantFigures(counts.Requests, counts.Errors, counts.ErrorRate, counts.P99LatencyMs, metric, value, labelled);
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

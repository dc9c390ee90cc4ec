using System.Globalization;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// Judges a canary step, comparing the canary with the stable variant over the step's window:
/// the error rate may rise by at most <c>max_error_rate_increase</c>; p99 latency may grow to at most
/// <c>max_latency_ratio</c> times the stable's (differences under 1 ms are noise); and where both
/// sides have <c>min_labelled</c> predictions with feedback, the online metric — accuracy for a
/// classifier, RMSE for a regression — may be worse by at most <c>max_metric_drop</c> (accuracy
/// points, or RMSE relative to the stable's). With fewer than <c>min_requests</c> canary requests
/// the verdict is <c>wait</c>: the step bakes on.
/// </summary>
public static class CanaryAnalysis
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Wait = "wait";

    /// <param name="now">When the analysis is made.</param>
    /// <param name="rollout">The rollout, at the step being judged.</param>
    /// <param name="stable">The stable variant's window.</param>
    /// <param name="candidate">The canary's window.</param>
    /// <param name="labelled">Predictions with feedback since the step began.</param>
    /// <param name="task">The models' task, for the online metric.</param>
    /// <remarks>
    /// When the stable variant had too little traffic in the step to compare with (at 100% it has
    /// none), its figures from the previous step's analysis stand in for its error rate and latency.
    /// </remarks>
    public static AnalysisResult Judge(long now, Rollout rollout, VariantWindow stable, VariantWindow candidate, IReadOnlyList<LabelledPrediction> labelled, string? task)
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
            return new AnalysisResult(now, rollout.Step, Wait, s, c, [$"the canary has {c.Requests} requests in this step; the analysis needs {settings.MinRequests}"]);
        }
        var reasons = new List<string>();
        var baseline = s.Requests >= Math.Max(settings.MinRequests, 1) ? s : rollout.Analyses is [.., var previous] ? previous.Stable : null;
        if (baseline is null)
        {
            return new AnalysisResult(now, rollout.Step, Pass, s, c, [$"the stable variant had no traffic to compare with; the canary answered {c.Requests} requests with {Percent(c.ErrorRate)} errors"]);
        }
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
        return new AnalysisResult(now, rollout.Step, reasons.Count == 0 ? Pass : Fail, s, c,
            reasons.Count == 0 ? [$"the canary is no worse than the stable on {c.Requests} requests"] : reasons);
    }

    private static VariantFigures Figures(VariantWindow window, string? metric, double? value, int labelled)
    {
        var requests = window.Requests;
        var errors = window.Errors;
        return new VariantFigures(requests, errors, requests == 0 ? 0 : errors / (double)requests, window.P99LatencyMs(), metric, value, labelled);
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

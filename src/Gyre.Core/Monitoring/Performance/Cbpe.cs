namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// NannyML's confidence-based performance estimation for a binary classifier: each prediction's
/// calibrated probability p adds to an expected confusion matrix by its predicted label (predicted
/// positive: TP += p, FP += 1 − p; predicted negative: FN += p, TN += 1 − p), and the metrics come
/// from that matrix; ROC AUC from the expected true and false positive rates at every score.
/// It assumes the concept has not drifted: P(label | inputs) is what it was on the reference.
/// Sampling errors are binomial standard errors on the expected counts, Hanley–McNeil's for AUC.
/// </summary>
public static class Cbpe
{
    public static readonly IReadOnlyList<string> MetricNames = ["accuracy", "precision", "recall", "f1", "roc_auc"];

    /// <summary>A regression's metrics estimated by direct loss estimation.</summary>
    public static readonly IReadOnlyList<string> RegressionMetricNames = ["mae", "rmse"];

    /// <summary>A multiclass classifier's estimated metrics: macro averages over the classes.</summary>
    public static readonly IReadOnlyList<string> MulticlassMetricNames = ["accuracy", "macro_precision", "macro_recall", "macro_f1", "roc_auc"];

    public static EstimatedPerformance Estimate(CbpeReference reference, IReadOnlyList<double> scores)
    {
        double tp = 0, fp = 0, fn = 0, tn = 0;
        var probabilities = new double[scores.Count];
        for (var i = 0; i < scores.Count; i++)
        {
            var p = probabilities[i] = reference.Probability(scores[i]);
            if (scores[i] >= reference.Threshold)
            {
                (tp, fp) = (tp + p, fp + 1 - p);
            }
            else
            {
                (fn, tn) = (fn + p, tn + 1 - p);
            }
        }
        var n = scores.Count;
        var metrics = new Dictionary<string, double>();
        var errors = new Dictionary<string, double>();
        void Add(string name, double value, double weight)
        {
            if (double.IsFinite(value) && weight > 0)
            {
                metrics[name] = value;
                errors[name] = Math.Sqrt(value * (1 - value) / weight);
            }
        }
        Add("accuracy", (tp + tn) / n, n);
        Add("precision", tp / (tp + fp), tp + fp);
        Add("recall", tp / (tp + fn), tp + fn);
        Add("f1", 2 * tp / ((2 * tp) + fp + fn), tp + ((fp + fn) / 2));
        var (auc, aucError) = RocAuc(scores, probabilities);
        if (double.IsFinite(auc))
        {
            metrics["roc_auc"] = auc;
            errors["roc_auc"] = aucError;
        }
        return new EstimatedPerformance(EstimatedPerformance.Cbpe, n, metrics, errors, reference.Calibration is not null);
    }

    /// <summary>
    /// The multiclass form: a row's calibrated probability of each class c adds to c's expected
    /// counts by the class it was answered with (answered c: TP_c += p_c, FP_c += 1 − p_c; otherwise
    /// FN_c += p_c); the expected accuracy is the mean probability of the answered class; precision,
    /// recall and F1 are macro averages; ROC AUC the macro average of each class's one-vs-rest curve.
    /// Sampling errors of the macro metrics are binomial over the rows (an approximation).
    /// </summary>
    public static EstimatedPerformance EstimateMulticlass(MulticlassCbpeReference reference, IReadOnlyList<double[]> scores)
    {
        var k = reference.Classes.Count;
        var (tp, fp, fn) = (new double[k], new double[k], new double[k]);
        var probabilities = new double[scores.Count][];
        var correct = 0.0;
        for (var i = 0; i < scores.Count; i++)
        {
            var p = probabilities[i] = reference.Probabilities(scores[i]);
            var answered = MulticlassCbpeReference.ArgMax(scores[i]);
            correct += p[answered];
            for (var c = 0; c < k; c++)
            {
                if (c == answered)
                {
                    (tp[c], fp[c]) = (tp[c] + p[c], fp[c] + 1 - p[c]);
                }
                else
                {
                    fn[c] += p[c];
                }
            }
        }
        var n = scores.Count;
        double Macro(Func<int, double> metric) => Enumerable.Range(0, k).Select(metric).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        var metrics = new Dictionary<string, double>();
        var errors = new Dictionary<string, double>();
        void Add(string name, double value)
        {
            if (double.IsFinite(value))
            {
                metrics[name] = value;
                errors[name] = Math.Sqrt(value * (1 - value) / n);
            }
        }
        Add("accuracy", correct / n);
        Add("macro_precision", Macro(c => tp[c] / (tp[c] + fp[c])));
        Add("macro_recall", Macro(c => tp[c] / (tp[c] + fn[c])));
        Add("macro_f1", Macro(c => 2 * tp[c] / ((2 * tp[c]) + fp[c] + fn[c])));
        var aucs = Enumerable.Range(0, k).Select(c => RocAuc([.. scores.Select(s => s[c])], [.. probabilities.Select(p => p[c])])).Where(a => double.IsFinite(a.Auc)).ToList();
        if (aucs.Count > 0)
        {
            metrics["roc_auc"] = aucs.Average(a => a.Auc);
            errors["roc_auc"] = Math.Sqrt(aucs.Sum(a => a.Error * a.Error)) / aucs.Count;
        }
        return new EstimatedPerformance(EstimatedPerformance.Cbpe, n, metrics, errors, reference.Calibrations.Any(c => c is not null));
    }

    /// <summary>The area under the expected ROC curve, walking the scores from the highest down (tied scores one step).</summary>
    private static (double Auc, double Error) RocAuc(IReadOnlyList<double> scores, double[] probabilities)
    {
        var positives = probabilities.Sum();
        var negatives = probabilities.Length - positives;
        // Fewer than one expected positive (or negative) leaves no curve to speak of, and Hanley–McNeil's error no meaning.
        if (positives < 1 || negatives < 1)
        {
            return (double.NaN, double.NaN);
        }
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double auc = 0, tpr = 0, fpr = 0;
        for (var start = 0; start < order.Length;)
        {
            var (dp, dn) = (0.0, 0.0);
            var end = start;
            for (; end < order.Length && scores[order[end]] == scores[order[start]]; end++)
            {
                dp += probabilities[order[end]];
                dn += 1 - probabilities[order[end]];
            }
            var (nextTpr, nextFpr) = (tpr + (dp / positives), fpr + (dn / negatives));
            auc += (nextFpr - fpr) * (tpr + nextTpr) / 2;
            (tpr, fpr, start) = (nextTpr, nextFpr, end);
        }
        var q1 = auc / (2 - auc);
        var q2 = 2 * auc * auc / (1 + auc);
        var variance = ((auc * (1 - auc)) + ((positives - 1) * (q1 - (auc * auc))) + ((negatives - 1) * (q2 - (auc * auc)))) / (positives * negatives);
        return (auc, Math.Sqrt(Math.Max(variance, 0)));
    }
}

using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Performance;

namespace Gyre.Core.Tests.Monitoring;

/// <summary>CBPE's parts against computations written out here: the isotonic fit, the expected confusion matrix, the expected ROC AUC.</summary>
public sealed class CbpeTests
{
    [Fact]
    public void IsotonicRegression_PoolsViolators_KeepsTheMean_AndInterpolatesBetweenBlocks()
    {
        double[] scores = [1, 2, 3, 4, 5, 5];
        bool[] outcomes = [true, false, true, false, true, true];
        var fit = IsotonicRegression.Fit(scores, outcomes);
        // (1, 2) pool to 0.5; (3, 4) pool to 0.5, which the block before does not exceed; 5 (twice) stays 1.
        Assert.Equal([1, 2, 3, 4, 5], fit.X);
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 1], fit.Y);
        Assert.Equal(0.75, fit.Apply(4.5), 12);
        Assert.Equal((0.5, 1.0), (fit.Apply(-3), fit.Apply(9)));

        // On a seeded sample: non-decreasing, and the fitted values keep the outcomes' sum (what least squares under a monotone constraint does).
        var random = new Random(3);
        var xs = Enumerable.Range(0, 500).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
        var ys = xs.Select(x => random.NextDouble() < x).ToArray();
        var sample = IsotonicRegression.Fit(xs, ys);
        var fitted = xs.Select(sample.Apply).ToArray();
        Assert.Equal(ys.Count(y => y), fitted.Sum(), 9);
        var sorted = xs.Distinct().Order().Select(sample.Apply).ToArray();
        Assert.All(sorted.Zip(sorted.Skip(1)), p => Assert.True(p.First <= p.Second));
    }

    [Fact]
    public void Estimate_SumsTheExpectedConfusionMatrix_FromTheCalibratedProbabilities()
    {
        // Calibrated probabilities as they are: a reference whose scores needed no calibration.
        var reference = new CbpeReference("t@1", 100, 0.5, 0.5, null, 0, 0.8);
        double[] p = [0.9, 0.8, 0.3, 0.6, 0.1];
        var estimate = Cbpe.Estimate(reference, p);
        // Predicted positive (p ≥ 0.5): 0.9, 0.8, 0.6 → TP = 2.3, FP = 0.7; predicted negative: 0.3, 0.1 → FN = 0.4, TN = 1.6.
        var (tp, fp, fn, tn) = (0.9 + 0.8 + 0.6, 0.1 + 0.2 + 0.4, 0.3 + 0.1, 0.7 + 0.9);
        Assert.Equal((tp + tn) / 5, estimate.Metrics!["accuracy"], 12);
        Assert.Equal(tp / (tp + fp), estimate.Metrics["precision"], 12);
        Assert.Equal(tp / (tp + fn), estimate.Metrics["recall"], 12);
        Assert.Equal(2 * tp / ((2 * tp) + fp + fn), estimate.Metrics["f1"], 12);
        Assert.Equal(Math.Sqrt(0.78 * 0.22 / 5), estimate.SamplingError!["accuracy"], 12);
        // The expected AUC as the probability that a positive outranks a negative, pair by pair; a row is
        // p positive and 1 − p negative, so it meets itself as a tie (NannyML's curve counts it so too).
        double pairs = 0;
        for (var i = 0; i < p.Length; i++)
        {
            for (var j = 0; j < p.Length; j++)
            {
                pairs += p[i] > p[j] ? p[i] * (1 - p[j]) : p[i] == p[j] ? 0.5 * p[i] * (1 - p[j]) : 0;
            }
        }
        Assert.Equal(pairs / (p.Sum() * (5 - p.Sum())), estimate.Metrics["roc_auc"], 12);
        Assert.False(estimate.Calibrated);
    }

    [Fact]
    public void RawScores_AreAlwaysCalibrated_AndAReferenceTooSmallIsRefused()
    {
        var random = new Random(8);
        var scores = Enumerable.Range(0, 400).Select(_ => (random.NextDouble() * 8) - 4).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-s))).ToArray();
        var reference = CbpeReference.Fit("t@1", scores, labels, probabilities: false);
        Assert.NotNull(reference.Calibration);
        Assert.Equal(0, reference.Threshold);
        Assert.InRange(reference.Probability(3), 0.8, 1);
        Assert.InRange(reference.Probability(-3), 0, 0.2);
        Assert.Equal(Enumerable.Range(0, 400).Count(i => (scores[i] >= 0) == labels[i]) / 400.0, reference.Accuracy, 12);

        var small = Assert.Throws<GyreException>(() => CbpeReference.Fit("t@1", scores[..50], labels[..50], probabilities: false));
        Assert.Contains($"performance.reference: t@1 has 50 labelled rows, {labels[..50].Count(l => l)} of them positive; calibrating scores needs at least 100 rows with 10 of each class",
            small.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiclass_SumsEachClassesExpectedCounts_ByTheAnsweredClass()
    {
        var reference = new MulticlassCbpeReference("t@1", 100, ["a", "b", "c"], [null, null, null], 0.7);
        double[][] p = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]];
        var estimate = Cbpe.EstimateMulticlass(reference, p);
        // Answered a, b, c, a: the expected accuracy is the mean probability of the answered class.
        Assert.Equal((0.7 + 0.6 + 0.4 + 0.5) / 4, estimate.Metrics!["accuracy"], 12);
        int[] answered = [0, 1, 2, 0];
        double Precision(int c) => answered.Select((a, i) => a == c ? p[i][c] : 0).Sum() / answered.Count(a => a == c);
        double Recall(int c) => answered.Select((a, i) => a == c ? p[i][c] : 0).Sum() / p.Sum(r => r[c]);
        Assert.Equal((Precision(0) + Precision(1) + Precision(2)) / 3, estimate.Metrics["macro_precision"], 12);
        Assert.Equal((Recall(0) + Recall(1) + Recall(2)) / 3, estimate.Metrics["macro_recall"], 12);
        Assert.Equal(Enumerable.Range(0, 3).Average(c => 2 * Precision(c) * Recall(c) / (Precision(c) + Recall(c))), estimate.Metrics["macro_f1"], 12);
    }

    [Fact]
    public void Multiclass_AClassTheReferenceNeverHas_IsRefusedByName()
    {
        var random = new Random(2);
        var scores = Enumerable.Range(0, 200).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToList();
        var labels = scores.Select(s => s[0] > s[1] ? "a" : "b").ToList();
        var refused = Assert.Throws<GyreException>(() => MulticlassCbpeReference.Fit("t@1", ["a", "b", "c"], scores, labels, probabilities: false));
        Assert.Contains("performance.reference: t@1 has 200 labelled rows, and fewer than 10 of the class 'c' (0); calibrating scores needs at least 100 rows with 10 of each class",
            refused.Message, StringComparison.Ordinal);
        var stranger = Assert.Throws<GyreException>(() => MulticlassCbpeReference.Fit("t@1", ["a", "b"], scores, [.. labels.Select((l, i) => i == 5 ? "z" : l)], probabilities: false));
        Assert.Contains("performance.reference: t@1 has the class 'z', which the model does not know (a, b)", stranger.Message, StringComparison.Ordinal);
    }
}

using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Monitoring.Learners;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// Drift by a domain classifier (NannyML's and Evidently's): a quick LightGBM learns to tell the
/// reference's rows from the window's, encoded as for the PCA; its 3-fold cross-validated ROC AUC
/// says how well it can. Near 0.5 the two are alike; the window drifted when the AUC exceeds the
/// threshold (default <see cref="DefaultThreshold"/>). At most <see cref="MaxRows"/> rows of each
/// side are used, an even sample, so a window of any size costs the same.
/// </summary>
public static class DomainClassifier
{
    public const double DefaultThreshold = 0.65;
    public const int MaxRows = 10_000;

    public static DomainClassifierDrift Check(IReadOnlyList<double[]> reference, IReadOnlyList<double[]> window, IVectorLearner learner, double threshold)
    {
        var a = Sample(reference);
        var b = Sample(window);
        var rows = a.Concat(b).ToList();
        var targets = a.Select(_ => false).Concat(b.Select(_ => true)).ToList();
        var scores = new double[rows.Count];
        for (var fold = 0; fold < 3; fold++)
        {
            var train = Enumerable.Range(0, rows.Count).Where(i => i % 3 != fold).ToList();
            var test = Enumerable.Range(0, rows.Count).Where(i => i % 3 == fold).ToList();
            var model = learner.Classify([.. train.Select(i => rows[i])], [.. train.Select(i => targets[i])], 1);
            var predicted = model.Predict([.. test.Select(i => rows[i])]);
            for (var t = 0; t < test.Count; t++)
            {
                scores[test[t]] = Math.Clamp(predicted[t], 0, 1);
            }
        }
        var auc = Metrics.Binary(targets, scores).Auc;
        return new DomainClassifierDrift(auc, threshold, auc > threshold, a.Count, b.Count);
    }

    private static List<double[]> Sample(IReadOnlyList<double[]> rows)
    {
        var stride = Math.Max(1, (rows.Count + MaxRows - 1) / MaxRows);
        return [.. rows.Where((_, i) => i % stride == 0)];
    }
}

/// <summary>A domain classifier's verdict: its cross-validated ROC AUC against the threshold, the rows of each side it learned from, and the vector inputs it covered.</summary>
public sealed record DomainClassifierDrift(double Auc, double Threshold, bool Drifted, int ReferenceRows, int WindowRows, IReadOnlyList<string>? Vectors = null);

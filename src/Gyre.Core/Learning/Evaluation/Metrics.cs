using Gyre.Core.Errors;

namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// Evaluation metrics computed as scikit-learn computes them, so that a number Gyre reports means
/// what its users already know. Inputs are checked: equal lengths, at least one row, probabilities
/// in [0, 1].
/// </summary>
public static class Metrics
{
    /// <summary>scikit-learn's default clipping of probabilities in log-loss.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>NumPy's float64 epsilon, the floor of MAPE's denominator in scikit-learn.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    public static BinaryEvaluation Binary(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities, double threshold = 0.5)
    {
        Check(labels.Count, probabilities.Count, "probabilities");
        CheckProbabilities(probabilities);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        double logLoss = 0, brier = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var (y, p) = (labels[i], probabilities[i]);
            var predicted = p >= threshold;
            (tp, fp, tn, fn) = (y, predicted) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (false, true) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
            // As scikit-learn: clip both columns [1 − p, p], then renormalise the row.
            var (q0, q1) = (Clip(1 - p), Clip(p));
            logLoss -= Math.Log((y ? q1 : q0) / (q0 + q1));
            brier += ((y ? 1 : 0) - p) * ((y ? 1 : 0) - p);
        }
        var n = labels.Count;
        var precision = Ratio(tp, tp + fp);
        var recall = Ratio(tp, tp + fn);
        return new BinaryEvaluation(n, RocAuc(labels, probabilities), AveragePrecision(labels, probabilities), logLoss / n,
            (double)(tp + tn) / n, precision, recall, F1(precision, recall), brier / n, threshold, [[tn, fp], [fn, tp]],
            Calibration(labels, probabilities, CalibrationBins));
    }

    public const int CalibrationBins = 10;

    /// <summary>
    /// scikit-learn's <c>calibration_curve(strategy="uniform")</c>: edges k/bins as NumPy's
    /// <c>linspace</c> computes them, a value on an inner edge in the lower bin, empty bins left out.
    /// </summary>
    public static List<CalibrationBin> Calibration(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities, int bins)
    {
        var step = 1.0 / bins;
        var counts = new long[bins];
        var positives = new long[bins];
        var sums = new double[bins];
        for (var i = 0; i < labels.Count; i++)
        {
            var bin = 0;
            while (bin < bins - 1 && (bin + 1) * step < probabilities[i])
            {
                bin++;
            }
            counts[bin]++;
            positives[bin] += labels[i] ? 1 : 0;
            sums[bin] += probabilities[i];
        }
        return [.. Enumerable.Range(0, bins).Where(b => counts[b] > 0)
            .Select(b => new CalibrationBin(b * step, (b + 1) * step, counts[b], sums[b] / counts[b], (double)positives[b] / counts[b]))];
    }

    public static MulticlassEvaluation Multiclass(IReadOnlyList<int> labels, IReadOnlyList<IReadOnlyList<double>> probabilities, int classes)
    {
        Check(labels.Count, probabilities.Count, "probabilities");
        var confusion = new long[classes, classes];
        double logLoss = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities[i];
            if (row.Count != classes)
            {
                throw GyreException.Invalid($"probabilities[{i}]: expected {classes} values, got {row.Count}");
            }
            CheckProbabilities(row);
            var predicted = 0;
            for (var k = 1; k < classes; k++)
            {
                predicted = row[k] > row[predicted] ? k : predicted;
            }
            confusion[labels[i], predicted]++;
            var sum = row.Sum(Clip);
            logLoss -= Math.Log(Clip(row[labels[i]]) / sum);
        }
        var n = labels.Count;
        var correct = Enumerable.Range(0, classes).Sum(k => confusion[k, k]);
        // Macro F1 over the classes that occur as a label or a prediction, as scikit-learn's default labels.
        var f1s = Enumerable.Range(0, classes)
            .Select(k => (Actual: Enumerable.Range(0, classes).Sum(j => confusion[k, j]), Predicted: Enumerable.Range(0, classes).Sum(j => confusion[j, k]), Hit: confusion[k, k]))
            .Where(c => c.Actual + c.Predicted > 0)
            .Select(c => F1(Ratio(c.Hit, c.Predicted), Ratio(c.Hit, c.Actual)))
            .ToList();
        var accuracy = (double)correct / n;
        var rows = Enumerable.Range(0, classes).Select(k => (IReadOnlyList<long>)Enumerable.Range(0, classes).Select(j => confusion[k, j]).ToList()).ToList();
        return new MulticlassEvaluation(n, accuracy, f1s.Average(), accuracy, logLoss / n, rows);
    }

    public static RegressionEvaluation Regression(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual.Count, predicted.Count, "predicted");
        var n = actual.Count;
        var mean = actual.Average();
        double squared = 0, absolute = 0, total = 0, percentage = 0;
        for (var i = 0; i < n; i++)
        {
            var error = actual[i] - predicted[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (actual[i] - mean) * (actual[i] - mean);
            percentage += Math.Abs(error) / Math.Max(Math.Abs(actual[i]), MachineEpsilon);
        }
        var r2 = total == 0 ? (squared == 0 ? 1 : 0) : 1 - (squared / total);
        return new RegressionEvaluation(n, Math.Sqrt(squared / n), absolute / n, r2, percentage / n);
    }

    /// <summary>ROC AUC as the Mann–Whitney statistic with average ranks: the area under the trapezoidal ROC curve.</summary>
    private static double RocAuc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRanks = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }
            var rank = ((start + end) / 2.0) + 1;
            for (var i = start; i <= end; i++)
            {
                if (labels[order[i]])
                {
                    positiveRanks += rank;
                    positives++;
                }
            }
            start = end + 1;
        }
        var negatives = scores.Count - positives;
        return positives == 0 || negatives == 0
            ? double.NaN
            : (positiveRanks - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct thresholds, highest first.</summary>
    private static double AveragePrecision(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var positives = labels.Count(l => l);
        if (positives == 0)
        {
            return double.NaN;
        }
        long tp = 0, seen = 0;
        double precisionSum = 0, previousRecall = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }
            for (var i = start; i <= end; i++)
            {
                tp += labels[order[i]] ? 1 : 0;
            }
            seen += end - start + 1;
            var recall = (double)tp / positives;
            precisionSum += (recall - previousRecall) * ((double)tp / seen);
            previousRecall = recall;
            start = end + 1;
        }
        return precisionSum;
    }

    private static double Clip(double p) => Math.Clamp(p, LogLossEpsilon, 1 - LogLossEpsilon);

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    private static void Check(int labels, int values, string field)
    {
        if (labels == 0)
        {
            throw GyreException.Invalid("labels: expected at least one row");
        }
        if (labels != values)
        {
            throw GyreException.Invalid($"{field}: expected {labels} values, one per label, got {values}");
        }
    }

    private static void CheckProbabilities(IEnumerable<double> probabilities)
    {
        if (probabilities.Any(p => !(p >= 0 && p <= 1)))
        {
            throw GyreException.Invalid("probabilities: expected values between 0 and 1");
        }
    }
}

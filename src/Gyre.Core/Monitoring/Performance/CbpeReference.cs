using Gyre.Core.Errors;
using Gyre.Core.Learning.Evaluation;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// What confidence-based performance estimation (NannyML's CBPE) learns from a binary classifier's
/// reference data, where labels are known: whether its scores need calibrating, and the isotonic
/// calibration if they do; and the decision threshold the served answers used. Scores that are not
/// probabilities are always calibrated. Probabilities are calibrated when it helps: when a 3-fold
/// cross-calibrated expected calibration error (10 equal bins) is below the raw scores' own.
/// <c>Accuracy</c> is the realized accuracy on the reference: what the estimate is compared with.
/// </summary>
public sealed record CbpeReference(string Data, long Rows, double PositiveShare, double Threshold, IsotonicRegression? Calibration, double RawCalibrationError, double Accuracy) : IPerformanceReference
{
    /// <summary>The fewest labelled reference rows calibration is fitted on, and the fewest of each class among them.</summary>
    public const int MinRows = 100;
    public const int MinPerClass = 10;

    public static CbpeReference Fit(string data, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, bool probabilities)
    {
        var positives = labels.Count(l => l);
        if (scores.Count < MinRows || Math.Min(positives, scores.Count - positives) < MinPerClass)
        {
            throw GyreException.Invalid($"performance.reference: {data} has {scores.Count} labelled rows, {positives} of them positive; "
                + $"calibrating scores needs at least {MinRows} rows with {MinPerClass} of each class");
        }
        var threshold = probabilities ? 0.5 : 0;
        var rawError = probabilities ? CalibrationError(labels, scores) : double.NaN;
        IsotonicRegression? calibration = null;
        if (!probabilities || CrossCalibratedError(scores, labels) < rawError)
        {
            calibration = IsotonicRegression.Fit(scores, labels);
        }
        var correct = Enumerable.Range(0, scores.Count).Count(i => (scores[i] >= threshold) == labels[i]);
        return new CbpeReference(data, scores.Count, positives / (double)scores.Count, threshold, calibration, rawError, correct / (double)scores.Count);
    }

    /// <summary>The calibrated probability that a row with this score is positive.</summary>
    public double Probability(double score) => Calibration is { } c ? c.Apply(score) : Math.Clamp(score, 0, 1);

    /// <summary>Expected calibration error: the bins' gaps between mean score and share of positives, weighted by their rows.</summary>
    public static double CalibrationError(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities) =>
        Metrics.Calibration(labels, [.. probabilities.Select(p => Math.Clamp(p, 0, 1))], Metrics.CalibrationBins)
            .Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / labels.Count;

    internal static double CrossCalibratedError(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var calibrated = new double[scores.Count];
        for (var fold = 0; fold < 3; fold++)
        {
            var train = Enumerable.Range(0, scores.Count).Where(i => i % 3 != fold).ToList();
            var fitted = IsotonicRegression.Fit([.. train.Select(i => scores[i])], [.. train.Select(i => labels[i])]);
            for (var i = fold; i < scores.Count; i += 3)
            {
                calibrated[i] = fitted.Apply(scores[i]);
            }
        }
        return CalibrationError(labels, calibrated);
    }
}

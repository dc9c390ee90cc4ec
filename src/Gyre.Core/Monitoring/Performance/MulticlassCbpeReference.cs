using Gyre.Core.Errors;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// CBPE's reference for a multiclass classifier: each class's score calibrated one-vs-rest by
/// isotonic regression (raw scores always; probabilities when the 3-fold check says it helps, as
/// for binary), the calibrated probabilities of a row then normalised to sum to 1. Every class the
/// model knows must have at least <see cref="CbpeReference.MinPerClass"/> reference rows.
/// </summary>
public sealed record MulticlassCbpeReference(string Data, long Rows, IReadOnlyList<string> Classes, IReadOnlyList<IsotonicRegression?> Calibrations, double Accuracy) : IPerformanceReference
{
    public static MulticlassCbpeReference Fit(string data, IReadOnlyList<string> classes, IReadOnlyList<double[]> scores, IReadOnlyList<string> labels, bool probabilities)
    {
        var counts = classes.Select(c => labels.Count(l => l == c)).ToArray();
        var problems = new List<string>();
        if (labels.FirstOrDefault(l => !classes.Contains(l)) is { } stranger)
        {
            problems.Add($"performance.reference: {data} has the class '{stranger}', which the model does not know ({string.Join(", ", classes)})");
        }
        var thin = classes.Where((c, k) => counts[k] < CbpeReference.MinPerClass).ToList();
        if (scores.Count < CbpeReference.MinRows || thin.Count > 0)
        {
            problems.Add($"performance.reference: {data} has {scores.Count} labelled rows"
                + (thin.Count > 0 ? $", and fewer than {CbpeReference.MinPerClass} of the class{(thin.Count == 1 ? "" : "es")} {string.Join(", ", thin.Select(c => $"'{c}' ({counts[classes.ToList().IndexOf(c)]})"))}" : "")
                + $"; calibrating scores needs at least {CbpeReference.MinRows} rows with {CbpeReference.MinPerClass} of each class");
        }
        GyreException.ThrowIfAny(problems);
        var calibrations = new IsotonicRegression?[classes.Count];
        for (var k = 0; k < classes.Count; k++)
        {
            var s = scores.Select(r => r[k]).ToArray();
            var y = labels.Select(l => l == classes[k]).ToArray();
            if (!probabilities || CbpeReference.CrossCalibratedError(s, y) < CbpeReference.CalibrationError(y, s))
            {
                calibrations[k] = IsotonicRegression.Fit(s, y);
            }
        }
        var correct = Enumerable.Range(0, scores.Count).Count(i => classes[ArgMax(scores[i])] == labels[i]);
        return new MulticlassCbpeReference(data, scores.Count, classes, calibrations, correct / (double)scores.Count);
    }

    /// <summary>A row's calibrated class probabilities, summing to 1.</summary>
    public double[] Probabilities(double[] scores)
    {
        var p = scores.Select((s, k) => Calibrations[k] is { } c ? c.Apply(s) : Math.Clamp(s, 0, 1)).ToArray();
        var sum = p.Sum();
        return sum > 0 ? [.. p.Select(x => x / sum)] : [.. p.Select(_ => 1.0 / p.Length)];
    }

    public static int ArgMax(double[] scores)
    {
        var best = 0;
        for (var k = 1; k < scores.Length; k++)
        {
            best = scores[k] > scores[best] ? k : best;
        }
        return best;
    }
}
